// Shared by the store tests: a fresh directory and SQLite store per test, and a way to await.
#pragma once

#include "../temp_dir.hpp"

#include "crypto/encoding.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>

namespace mcpedge::store::testing {

namespace asio = boost::asio;
using sqlite::SqliteStore;

// A fresh directory per test, named after this layer.
class TempDir : public mcpedge::testing::TempDir {
 public:
  TempDir() : mcpedge::testing::TempDir("mcpedge-store-test-") {}
};

// co_spawn needs a default-constructible value (Result has none): carry it in an optional.
template <class T>
asio::awaitable<std::optional<T>> in_optional(asio::awaitable<T> op) {
  co_return co_await std::move(op);
}

// Runs one operation to completion on a fresh event loop on this thread.
template <class T>
T sync(asio::awaitable<T> op) {
  asio::io_context loop;
  auto result = asio::co_spawn(loop, in_optional(std::move(op)), asio::use_future);
  loop.run();
  return std::move(*result.get());
}

// The value of a successful operation; fails the test (by throwing) with the store's message.
template <class T>
T ok(Result<T> result) {
  if (!result) throw std::runtime_error("unexpected store error: " + result.error().message);
  return std::move(result).value();
}

// Waits for a forked child of a kill -9 test: success only if SIGKILL ended it (an exit code means the
// child failed before it could be killed; the code says where).
inline ::testing::AssertionResult killed_by_sigkill(pid_t child) {
  int status = 0;
  if (::waitpid(child, &status, 0) != child) return ::testing::AssertionFailure() << "waitpid failed";
  if (!WIFSIGNALED(status)) return ::testing::AssertionFailure() << "child exited with " << WEXITSTATUS(status);
  if (WTERMSIG(status) != SIGKILL) return ::testing::AssertionFailure() << "child ended by signal " << WTERMSIG(status);
  return ::testing::AssertionSuccess();
}

// What callers store: a hash of the secret, 32 raw bytes (NULs included).
inline std::string hash(std::string_view secret) { return crypto::sha256(secret); }

// A refresh token as its seal names it: generation `generation` of `family`, with `scopes`, valid for
// 1000 s from `issued_at`. Subject, client and org are the family's (set them to issue one).
inline RefreshTokenRecord refresh_token(const std::string& family, std::int64_t generation, UnixTime issued_at = 100,
                                        const std::string& scopes = "read") {
  RefreshTokenRecord record;
  record.family_id = family;
  record.generation = generation;
  record.scopes = scopes;
  record.issued_at = issued_at;
  record.expires_at = issued_at + 1000;
  return record;
}

// A second, raw connection to the same file, for what the Store deliberately does not expose.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open " + file.string());
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error(sql + ": " + message);
    }
  }
  // The first column of the first row as text ("" when there is no row).
  std::string scalar(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    std::string value;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      value = text ? text : "";
    }
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = open_store(); }

  std::filesystem::path file() const { return dir_.path() / "store.db"; }

  std::unique_ptr<SqliteStore> open_store() {
    auto opened = SqliteStore::open(file());
    if (!opened) throw std::runtime_error(opened.error().message);
    return std::move(opened).value();
  }

  // Closes and opens the file again, as a restart would.
  void reopen() {
    store_.reset();
    store_ = open_store();
  }

  Store& store() { return *store_; }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace mcpedge::store::testing
