// SqliteStore: its own thread, the caller's loop, the durability settings and clear open errors.
#include "store_fixture.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <thread>

namespace mcpedge::store::testing {
namespace {

using namespace std::chrono_literals;

struct Threads {
  std::thread::id before, after;
  bool found = false;
};

asio::awaitable<Threads> find_and_note_threads(Store& store) {
  Threads t;
  t.before = std::this_thread::get_id();
  auto found = co_await store.find_consent("alice", "client-1");
  t.after = std::this_thread::get_id();
  t.found = found && found->has_value();
  co_return t;
}

TEST_F(StoreTest, ResumesOnTheCallersThread) {
  // Two loops on two threads: each caller resumes on its own thread, not on the store's.
  asio::io_context loop_a, loop_b;
  auto a = asio::co_spawn(loop_a, find_and_note_threads(store()), asio::use_future);
  auto b = asio::co_spawn(loop_b, find_and_note_threads(store()), asio::use_future);
  std::thread::id id_a, id_b;
  std::thread thread_a([&] {
    id_a = std::this_thread::get_id();
    loop_a.run();
  });
  std::thread thread_b([&] {
    id_b = std::this_thread::get_id();
    loop_b.run();
  });
  thread_a.join();
  thread_b.join();
  Threads ta = a.get(), tb = b.get();
  EXPECT_EQ(ta.before, id_a);
  EXPECT_EQ(ta.after, id_a);
  EXPECT_EQ(tb.before, id_b);
  EXPECT_EQ(tb.after, id_b);
  EXPECT_FALSE(ta.found);
}

asio::awaitable<void> tick_then_release(int& ticks, RawDb& holder) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (; ticks < 10; ++ticks) {
    timer.expires_after(10ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
  holder.exec("COMMIT");
}

asio::awaitable<int> save_and_count_ticks(Store& store, const int& ticks) {
  Consent consent{"alice", "client-1", "Client", "https://c.example/cb", "read", 100};
  auto saved = co_await store.save_consent(consent);
  co_return saved ? ticks : -1;
}

TEST_F(StoreTest, AWriteWaitingForTheLockDoesNotBlockTheCallersLoop) {
  RawDb holder(file());
  holder.exec("BEGIN IMMEDIATE");  // another writer holds the lock for ~100 ms
  asio::io_context loop;           // one thread: a blocked loop would never tick
  int ticks = 0;
  asio::co_spawn(loop, tick_then_release(ticks, holder), asio::detached);
  auto saved = asio::co_spawn(loop, save_and_count_ticks(store(), ticks), asio::use_future);
  loop.run();
  EXPECT_EQ(saved.get(), 10);  // saved only after the loop ticked ten times and released the lock
  EXPECT_TRUE(ok(sync(store().find_consent("alice", "client-1"))).has_value());
}

asio::awaitable<int> find_and_count_ticks(Store& store, const int& ticks) {
  auto found = co_await store.find_consent("alice", "client-1");
  co_return found && !*found ? ticks : -1;
}

TEST_F(StoreTest, AReadWaitsNeitherForTheWriteLockNorForACommit) {
  RawDb holder(file());
  holder.exec("BEGIN IMMEDIATE");  // another writer holds the lock for ~100 ms
  holder.exec(
      "INSERT INTO consents (subject, client_id, client_name, redirect_uri, scopes, granted_at)"
      " VALUES ('alice', 'client-1', 'Client', 'https://c.example/cb', 'read', 100)");
  asio::io_context loop;
  int ticks = 0;
  asio::co_spawn(loop, tick_then_release(ticks, holder), asio::detached);
  auto found = asio::co_spawn(loop, find_and_count_ticks(store(), ticks), asio::use_future);
  loop.run();
  // Answered from the last commit before the lock was released: the uncommitted row is not seen.
  EXPECT_EQ(found.get(), 0);
  EXPECT_TRUE(ok(sync(store().find_consent("alice", "client-1"))).has_value());  // committed since
}

TEST_F(StoreTest, UsesWriteAheadLogging) {
  RawDb raw(file());
  EXPECT_EQ(raw.scalar("PRAGMA journal_mode"), "wal");  // recorded in the file itself
}

TEST_F(StoreTest, DatabaseFileIsReadableByItsOwnerOnly) {
  struct stat st {};
  ASSERT_EQ(::stat(file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(SqliteStoreOpen, MissingDirectoryIsAnErrorNamingTheFile) {
  TempDir dir;
  auto file = dir.path() / "no-such-dir" / "store.db";
  auto opened = SqliteStore::open(file);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, StoreError::Code::unavailable);
  EXPECT_NE(opened.error().message.find(file.string()), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find("cannot open"), std::string::npos) << opened.error().message;
}

TEST(SqliteStoreOpen, AFileThatIsNotADatabaseIsRefusedAsCorrupt) {
  TempDir dir;
  auto file = dir.path() / "store.db";
  std::ofstream(file) << std::string(4096, 'x');
  auto opened = SqliteStore::open(file);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, StoreError::Code::corrupt) << opened.error().message;
  EXPECT_NE(opened.error().message.find("not a database"), std::string::npos) << opened.error().message;
}

TEST_F(StoreTest, ErrorsNameTheOperation) {
  RefreshTokenRecord record = refresh_token("family-1", 1);
  record.subject = "alice";
  record.client_id = "client-1";
  ok(sync(store().issue_refresh_token(record)));
  auto again = sync(store().issue_refresh_token(record));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, StoreError::Code::conflict);
  EXPECT_EQ(again.error().message.rfind("store: issue refresh token: ", 0), 0u) << again.error().message;
}

}  // namespace
}  // namespace mcpedge::store::testing
