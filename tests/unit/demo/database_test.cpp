// Database: SQLite runs on its own thread and the caller resumes on its own loop.
#include "demo/database.hpp"

#include "sample_api_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

namespace mcpedge::demo::testing {
namespace {

namespace asio = boost::asio;

struct Threads {
  std::thread::id before, inside, after;
  std::int64_t value = 0;
};

asio::awaitable<Threads> query_on_db_thread(Database& db) {
  Threads t;
  t.before = std::this_thread::get_id();
  auto fn = [&t](Sql& sql) {
    t.inside = std::this_thread::get_id();
    auto s = sql.prepare("SELECT ?1 + 1");
    s.bind_all(std::int64_t{41});
    s.step();
    return s.int64(0);
  };
  t.value = co_await db.run(fn);
  t.after = std::this_thread::get_id();
  co_return t;
}

TEST(Database, RunsOnItsOwnThreadAndResumesOnTheCallersLoop) {
  TempDir dir;
  auto db = Database::open(dir.path() / "t.db");
  asio::io_context loop;
  auto done = asio::co_spawn(loop, query_on_db_thread(*db), asio::use_future);
  loop.run();
  Threads t = done.get();
  EXPECT_EQ(t.value, 42);
  EXPECT_NE(t.inside, t.before);
  EXPECT_EQ(t.after, t.before);
}

asio::awaitable<std::string> failing_query(Database& db) {
  auto fn = [](Sql& sql) {
    sql.exec("SELECT * FROM no_such_table");
    return 0;
  };
  try {
    co_await db.run(fn);
  } catch (const std::runtime_error& e) {
    co_return std::string(e.what());
  }
  co_return std::string();
}

TEST(Database, ErrorsAreRethrownToTheCaller) {
  TempDir dir;
  auto db = Database::open(dir.path() / "t.db");
  asio::io_context loop;
  auto done = asio::co_spawn(loop, failing_query(*db), asio::use_future);
  loop.run();
  EXPECT_NE(done.get().find("no such table: no_such_table"), std::string::npos);
}

TEST(Database, UsesWriteAheadLogging) {
  TempDir dir;
  auto db = Database::open(dir.path() / "t.db");
  std::string mode = db->run_blocking([](Sql& sql) {
    auto s = sql.prepare("PRAGMA journal_mode");
    s.step();
    return s.text(0);
  });
  EXPECT_EQ(mode, "wal");
}

TEST(Database, TransactionRollsBackWhenTheFunctionThrows) {
  TempDir dir;
  auto db = Database::open(dir.path() / "t.db");
  auto count = db->run_blocking([](Sql& sql) {
    sql.exec("CREATE TABLE t (x INTEGER)");
    try {
      sql.transaction([&] {
        sql.prepare("INSERT INTO t VALUES (?1)").bind_all(1).run();
        throw std::runtime_error("stop");
      });
    } catch (const std::runtime_error&) {
    }
    auto s = sql.prepare("SELECT COUNT(*) FROM t");
    s.step();
    return s.int64(0);
  });
  EXPECT_EQ(count, 0);
}

TEST(Database, OpenNamesTheFileWhenItFails) {
  TempDir dir;
  const auto file = dir.path() / "missing-dir" / "t.db";
  try {
    Database::open(file);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mcpedge::demo::testing
