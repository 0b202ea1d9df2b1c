// SQLite plumbing for the sample API: the connection, its statement cache and its thread.
#include "demo/database.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace mcpedge::demo {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : "out of memory";
  throw std::runtime_error(message);
}

}  // namespace

// --- Statement ---------------------------------------------------------------------------------

Statement::~Statement() {
  if (!stmt_) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(sqlite3_db_handle(stmt_), "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
    fail(sqlite3_db_handle(stmt_), "bind");
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(sqlite3_db_handle(stmt_), "bind");
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind(index, nullptr);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(sqlite3_db_handle(stmt_), std::string("step \"") + sqlite3_sql(stmt_) + "\"");
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

// --- Sql ---------------------------------------------------------------------------------------

Sql::~Sql() {
  for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
}

Statement Sql::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) fail(db_, "prepare \"" + std::string(sql) + "\"");
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Statement(it->second);
}

void Sql::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = std::string("exec \"") + sql + "\": " + (error ? error : "unknown error");
    sqlite3_free(error);
    throw std::runtime_error(message);
  }
}

std::int64_t Sql::changes() const { return sqlite3_changes64(db_); }

// --- Database ----------------------------------------------------------------------------------

Database::Database(std::filesystem::path file, sqlite3* db)
    : file_(std::move(file)), db_(db), sql_(std::make_unique<Sql>(db)) {}

Database::~Database() {
  pool_.join();  // finish queued work; afterwards no other thread touches the connection
  sql_.reset();
  sqlite3_close_v2(db_);
}

std::unique_ptr<Database> Database::open(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message =
        "cannot open SQLite database " + file.string() + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close_v2(db);
    throw std::runtime_error(message);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<Database> database(new Database(file, db));
  try {
    // The connection is used by the pool thread only, from the first statement on.
    database->run_blocking([](Sql& sql) {
      sql.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
      return 0;
    });
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot use SQLite database " + file.string() + ": " + e.what());
  }
  return database;
}

}  // namespace mcpedge::demo
