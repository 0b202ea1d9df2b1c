// SQLite plumbing for the store and the sample API: a durable connection, statements, transactions.
#include "store/sqlite/connection.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

namespace mcpedge::store::sqlite {

namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what = {}) {
  std::string message(what);
  if (!message.empty()) message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw SqliteFailure(rc & 0xff, message);
}

void check(sqlite3_stmt* stmt, int rc) {
  if (rc != SQLITE_OK) fail(sqlite3_db_handle(stmt), rc, "bind");
}

// The file holds hashes and sealed credentials: create it readable by the owner only. SQLite gives
// its -wal and -shm files the same mode as the database file.
void create_owner_only(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
  // On failure sqlite3_open_v2 reports the reason.
}

}  // namespace

// --- Statement -----------------------------------------------------------------------------------

Statement::~Statement() {
  if (!stmt_) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  check(stmt_, sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  check(stmt_, sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::bind(int index, Blob blob) {
  // A zero-length blob still binds as a BLOB, not NULL: sqlite3_bind_blob64 needs a non-null pointer.
  const void* data = blob.bytes.empty() ? "" : blob.bytes.data();
  check(stmt_, sqlite3_bind_blob64(stmt_, index, data, blob.bytes.size(), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  check(stmt_, sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind(index, nullptr);
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind(index, nullptr);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(sqlite3_db_handle(stmt_), rc);  // e.g. "UNIQUE constraint failed: personal_tokens.token_hash"
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::string Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::string Statement::blob(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

// --- Connection ----------------------------------------------------------------------------------

Connection::Connection(const std::filesystem::path& file) {
  // Unless told otherwise SQLite keeps memory statistics, under one process-wide mutex taken on
  // every allocation by every connection; nothing here reads them. Only possible before SQLite
  // initializes, i.e. before the first connection opens (later it is refused, harmlessly).
  [[maybe_unused]] static const int statistics_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  create_owner_only(file);
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw SqliteFailure(rc & 0xff, "cannot open: " + message);
  }
  try {
    sqlite3_busy_timeout(db_, 5000);  // another connection (or process) holding the write lock
    // journal_mode answers with the mode it got: anything but "wal" means the file system refused.
    auto mode = prepare("PRAGMA journal_mode=WAL");
    if (!mode.step() || mode.text(0) != "wal")
      throw SqliteFailure(SQLITE_CANTOPEN, "the file system refused write-ahead logging (journal_mode=WAL)");
    // FULL: every commit is synced to the WAL before it returns, so it survives a crash or power
    // loss, not only the process being killed.
    exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;");
  } catch (...) {
    for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
    throw;
  }
}

Connection::~Connection() {
  for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Statement Connection::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, "prepare \"" + std::string(sql) + "\"");
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Statement(it->second);
}

void Connection::exec(const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = std::string("\"") + sql + "\": " + (error ? error : sqlite3_errstr(rc));
    sqlite3_free(error);
    throw SqliteFailure(rc & 0xff, message);
  }
}

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

std::int64_t Connection::total_changes() const { return sqlite3_total_changes64(db_); }

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Connection::rollback_savepoint() noexcept {
  if (in_transaction()) sqlite3_exec(db_, "ROLLBACK TO nested; RELEASE nested", nullptr, nullptr, nullptr);
}

void Connection::on_wal_commit(std::function<void(int)> hook) {
  wal_hook_ = std::move(hook);
  sqlite3_wal_hook(db_, wal_hook_ ? &Connection::call_wal_hook : nullptr, this);
}

int Connection::call_wal_hook(void* self, sqlite3*, const char*, int wal_frames) noexcept {
  // The COMMIT has happened whatever this returns; an error here would only make it look failed.
  try {
    static_cast<Connection*>(self)->wal_hook_(wal_frames);
  } catch (const std::exception& e) {
    spdlog::error("store: after a commit: {}", e.what());
  }
  return SQLITE_OK;
}

Connection::Checkpoint Connection::checkpoint() {
  int wal_frames = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
  if (rc == SQLITE_BUSY) return Checkpoint{false, wal_frames, copied};
  if (rc != SQLITE_OK) fail(db_, rc, "checkpoint");
  return Checkpoint{true, wal_frames, copied};
}

void Connection::rollback() noexcept {
  // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled the transaction back.
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace mcpedge::store::sqlite
