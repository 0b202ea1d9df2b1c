// One SQLite connection with its cache of prepared statements; used by one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

struct sqlite3;
struct sqlite3_stmt;

namespace mcpedge::store::sqlite {

// A failed SQLite call. Thrown only on the database thread: SqliteStore::run turns it into a
// StoreError, so it never crosses the Store interface; the sample API's Database rethrows it.
class SqliteFailure : public std::runtime_error {
 public:
  SqliteFailure(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }  // the primary result code (SQLITE_BUSY, SQLITE_CONSTRAINT, ...)

 private:
  int code_;
};

// Bytes stored as a BLOB (hashes, ciphertext) rather than TEXT.
struct Blob {
  std::string_view bytes;
};

// A prepared statement borrowed from the connection's cache; reset and unbound when it goes out
// of scope. Parameters are positional (?1, ?2, ...); columns count from 0.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Each returns the statement, so a one-off can read `db.prepare(...).bind_all(...).run()`.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, Blob blob);
  Statement& bind(int index, std::nullptr_t);
  Statement& bind(int index, const std::optional<std::string>& text);
  Statement& bind(int index, const std::optional<std::int64_t>& value);

  // Binds every argument in order to ?1, ?2, ...
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  bool step();  // true while there is a row
  void run();   // runs a statement that returns no rows

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::string blob(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens (creating, owner-only) the file; WAL, synchronous=FULL, busy timeout, foreign keys.
  explicit Connection(const std::filesystem::path& file);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Prepared once per SQL text and kept (SQLITE_PREPARE_PERSISTENT).
  Statement prepare(std::string_view sql);
  // SQL without parameters (schema scripts, pragmas); may hold several statements.
  void exec(const char* sql);
  // One statement without parameters or rows (BEGIN, COMMIT, SAVEPOINT ...), prepared once.
  void step(const char* sql) { prepare(sql).run(); }
  std::int64_t changes() const;
  std::int64_t total_changes() const;  // rows changed since the connection opened

  // Runs fn inside BEGIN IMMEDIATE ... COMMIT (the write lock is taken up front, so two
  // connections never deadlock upgrading a read); rolls back and rethrows if fn throws. Inside a
  // transaction that is already open (the store's group commit) fn gets a savepoint instead, so
  // it still succeeds or fails as a whole.
  template <class F>
  auto transaction(F&& fn) -> std::invoke_result_t<F&> {
    bool nested = in_transaction();
    step(nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE");
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
        fn();
        step(nested ? "RELEASE nested" : "COMMIT");
      } else {
        auto result = fn();
        step(nested ? "RELEASE nested" : "COMMIT");
        return result;
      }
    } catch (...) {
      if (nested) {
        rollback_savepoint();
      } else {
        rollback();
      }
      throw;
    }
  }

  bool in_transaction() const;
  // Ends an open transaction without its changes (nothing when none is open).
  void rollback() noexcept;

  // Calls `hook` on this connection's thread after each COMMIT that wrote to the WAL, with the
  // number of frames the WAL now holds. It takes the place of SQLite's auto-checkpoint (the two
  // share one slot); what it throws is logged, never passed into SQLite.
  void on_wal_commit(std::function<void(int wal_frames)> hook);

  // A checkpoint that waits for nobody (SQLITE_CHECKPOINT_PASSIVE): copies the WAL's frames that no
  // reader still needs back into the database file, syncing both. `ran` is false when another
  // connection's checkpoint was running (SQLITE_BUSY); other failures throw.
  struct Checkpoint {
    bool ran = false;
    int wal_frames = 0;  // frames in the WAL
    int copied = 0;      // of them, in the database file now
  };
  Checkpoint checkpoint();

 private:
  void rollback_savepoint() noexcept;
  static int call_wal_hook(void* self, sqlite3*, const char*, int wal_frames) noexcept;

  // Looked up by the caller's string_view: no std::string is built for a statement already cached.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
  std::function<void(int)> wal_hook_;
};

}  // namespace mcpedge::store::sqlite
