// The sample API's SQLite file: one connection on its own thread, awaited from any event loop.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdint>
#include <exception>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

struct sqlite3;
struct sqlite3_stmt;

namespace mcpedge::demo {

namespace asio = boost::asio;

// One prepared statement borrowed from the connection's cache; reset and unbound when it goes
// out of scope. Parameters are positional (?1, ?2, ...); columns count from 0.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::nullptr_t);
  Statement& bind(int index, const std::optional<std::string>& text);
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }

  // Binds every argument in order to ?1, ?2, ...
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row: true while there is one. Throws std::runtime_error on an error.
  bool step();
  // Runs a statement that returns no rows.
  void run();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

// The connection as seen from the database thread: what `Database::run` hands to its function.
class Sql {
 public:
  explicit Sql(sqlite3* db) : db_(db) {}
  ~Sql();
  Sql(const Sql&) = delete;
  Sql& operator=(const Sql&) = delete;

  // A statement prepared once per SQL text and kept (SQLITE_PREPARE_PERSISTENT).
  Statement prepare(std::string_view sql);
  // Runs SQL without parameters (schema, pragmas, BEGIN/COMMIT); may hold several statements.
  void exec(const char* sql);
  std::int64_t changes() const;

  // Runs fn inside BEGIN IMMEDIATE ... COMMIT; rolls back and rethrows if fn throws.
  template <class F>
  auto transaction(F&& fn) -> std::invoke_result_t<F&> {
    exec("BEGIN IMMEDIATE");
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
        fn();
        exec("COMMIT");
      } else {
        auto result = fn();
        exec("COMMIT");
        return result;
      }
    } catch (...) {
      exec("ROLLBACK");
      throw;
    }
  }

  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class Database {
 public:
  // Opens (creating) the file in WAL mode. Throws std::runtime_error naming the file on failure.
  static std::unique_ptr<Database> open(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::filesystem::path& file() const { return file_; }

  // Runs fn(Sql&) on the database thread and resumes the caller on its own executor with the
  // result; an exception thrown by fn is rethrown there. The event loop never blocks on SQLite.
  template <class F>
  auto run(F fn) -> asio::awaitable<std::invoke_result_t<F&, Sql&>> {
    using R = std::invoke_result_t<F&, Sql&>;
    auto home = co_await asio::this_coro::executor;
    // A bare `post(pool, use_awaitable)` would resume on `home` again (the completion goes to the
    // token's associated executor), so the token itself is bound to the pool, and back.
    auto to_pool = asio::bind_executor(pool_.get_executor(), asio::use_awaitable);
    co_await asio::post(to_pool);
    std::exception_ptr failure;
    std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> result;
    try {
      if constexpr (std::is_void_v<R>) {
        fn(*sql_);
        result.emplace(true);
      } else {
        result.emplace(fn(*sql_));
      }
    } catch (...) {
      failure = std::current_exception();
    }
    auto to_home = asio::bind_executor(home, asio::use_awaitable);
    co_await asio::post(to_home);
    if (failure) std::rethrow_exception(failure);
    if constexpr (!std::is_void_v<R>) co_return std::move(*result);
  }

  // The same, blocking the calling thread: for start-up, before any event loop runs.
  template <class F>
  auto run_blocking(F fn) -> std::invoke_result_t<F&, Sql&> {
    using Task = std::packaged_task<std::invoke_result_t<F&, Sql&>()>;
    auto task = std::make_shared<Task>([this, &fn] { return fn(*sql_); });
    auto done = task->get_future();
    asio::post(pool_, [task] { (*task)(); });
    return done.get();
  }

 private:
  Database(std::filesystem::path file, sqlite3* db);

  std::filesystem::path file_;
  sqlite3* db_;
  std::unique_ptr<Sql> sql_;
  asio::thread_pool pool_{1};
};

}  // namespace mcpedge::demo
