// The sample API's SQLite file: one connection on its own thread, awaited from any event loop.
#pragma once

#include "store/sqlite/connection.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace mcpedge::demo {

namespace asio = boost::asio;

// The shared SQLite connection (store layer), as the sample API's handlers see it on the
// database thread.
using store::sqlite::Statement;
using Sql = store::sqlite::Connection;

class Database {
 public:
  // Opens (creating) the file with the store's settings: WAL, synchronous=FULL, foreign keys,
  // owner-only. Throws std::runtime_error naming the file on failure.
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
  explicit Database(std::filesystem::path file) : file_(std::move(file)) {}

  std::filesystem::path file_;
  std::unique_ptr<Sql> sql_;
  asio::thread_pool pool_{1};
};

}  // namespace mcpedge::demo
