// Durability: a write that returned survives the process being killed right after (kill -9), and
// is answered only once the WAL holding it is synced.
#include "store_fixture.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>

namespace mcpedge::store::testing {
namespace {

// Child exit codes, so the parent can tell a failed write from the expected SIGKILL.
constexpr int k_open_failed = 2;
constexpr int k_write_failed = 3;
constexpr int k_not_killed = 4;

asio::awaitable<void> write_then_die(Store& store) {
  Consent consent{"alice", "client-1", "Client", "https://c.example/cb", "read", 100};
  auto saved = co_await store.save_consent(consent);
  auto marked = co_await store.mark_code_used(hash("code-1"), 160, 100);
  RefreshTokenRecord first = refresh_token("family-1", 1);
  first.subject = "alice";
  first.client_id = "client-1";
  auto issued = co_await store.issue_refresh_token(first);
  RefreshRequest refresh{refresh_token("family-1", 1), "client-1", std::nullopt, 1200};
  auto rotated = co_await store.redeem_refresh_token(refresh, 200);
  const bool all_written =
      saved && marked && *marked && issued && rotated && rotated->outcome == RotationOutcome::rotated;
  if (!all_written) ::_exit(k_write_failed);
  // Right after the last awaited write returned: no destructor, no checkpoint, no clean close.
  std::raise(SIGKILL);
}

void run_child(const std::filesystem::path& file) {
  auto opened = SqliteStore::open(file);
  if (!opened) ::_exit(k_open_failed);
  asio::io_context loop;
  asio::co_spawn(loop, write_then_die(**opened), asio::detached);
  loop.run();
  ::_exit(k_not_killed);
}

TEST(Durability, WritesThatReturnedSurviveKill9) {
  TempDir dir;
  const auto file = dir.path() / "store.db";
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) run_child(file);  // never returns

  ASSERT_TRUE(killed_by_sigkill(child));

  auto opened = SqliteStore::open(file);
  ASSERT_TRUE(opened) << opened.error().message;
  Store& store = **opened;
  auto consent = ok(sync(store.find_consent("alice", "client-1")));
  ASSERT_TRUE(consent);
  EXPECT_EQ(consent->redirect_uri, "https://c.example/cb");
  EXPECT_FALSE(ok(sync(store.mark_code_used(hash("code-1"), 160, 110))));  // still a replay
  auto previous = ok(sync(store.find_refresh_token(refresh_token("family-1", 1))));
  ASSERT_TRUE(previous);
  EXPECT_EQ(previous->state, RefreshTokenState::previous);
  auto current = ok(sync(store.find_refresh_token(refresh_token("family-1", 2, 200))));
  ASSERT_TRUE(current);
  EXPECT_EQ(current->state, RefreshTokenState::current);
}

using sqlite::fdatasync_file;
using sqlite::SyncFile;

// A store whose WAL syncs the test holds: each sync announces itself, then waits for release().
class HeldSync {
 public:
  SyncFile hook() {
    return [this](int fd) {
      if (calls_ == 0) entered_.set_value();
      released_.wait();
      ++calls_;
      return fdatasync_file(fd);
    };
  }
  std::future<void> entered() { return entered_.get_future(); }
  void release() { release_.set_value(); }
  int calls() const { return calls_; }

 private:
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  std::atomic<int> calls_{0};
};

TEST(Durability, AWriteIsAnsweredOnlyOnceTheWalIsSynced) {
  TempDir dir;
  HeldSync held;
  auto entered = held.entered();
  auto opened = SqliteStore::open(dir.path() / "store.db", held.hook());
  ASSERT_TRUE(opened) << opened.error().message;
  Store& store = **opened;

  asio::io_context loop;
  Consent consent{"alice", "client-1", "Client", "https://c.example/cb", "read", 100};
  auto saved = asio::co_spawn(loop, in_optional(store.save_consent(consent)), asio::use_future);
  std::thread runner([&] { loop.run(); });
  // The COMMIT has returned and the sync has begun; the caller is still waiting for it.
  entered.wait();
  EXPECT_EQ(saved.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  held.release();
  runner.join();
  auto result = std::move(*saved.get());
  EXPECT_TRUE(result) << result.error().message;
  EXPECT_EQ(held.calls(), 1);
  EXPECT_FALSE(store.broken());
  // A batch that changed nothing has nothing to sync.
  EXPECT_FALSE(ok(sync(store.delete_consent("bob", "client-1"))));
  EXPECT_EQ(held.calls(), 1);
  EXPECT_TRUE(ok(sync(store.delete_consent("alice", "client-1"))));
  EXPECT_EQ(held.calls(), 2);
}

// Syncs the test lets through one at a time: the n-th call (from 0) announces itself, then waits
// for release(n).
class GatedSyncs {
 public:
  static constexpr int k_calls = 4;
  SyncFile hook() {
    return [this](int fd) {
      const int n = calls_++;
      if (n >= k_calls) return fdatasync_file(fd);
      entered_[n].set_value();
      released_[n].wait();
      return fdatasync_file(fd);
    };
  }
  void wait_entered(int n) { entered_futures_[n].wait(); }
  bool entered(int n) {
    return entered_futures_[n].wait_for(std::chrono::milliseconds(0)) == std::future_status::ready;
  }
  void release(int n) { release_[n].set_value(); }
  int calls() const { return calls_; }

 private:
  std::array<std::promise<void>, k_calls> entered_;
  std::array<std::future<void>, k_calls> entered_futures_ = futures(entered_);
  std::array<std::promise<void>, k_calls> release_;
  std::array<std::shared_future<void>, k_calls> released_ = shared(release_);
  std::atomic<int> calls_{0};

  static std::array<std::future<void>, k_calls> futures(std::array<std::promise<void>, k_calls>& p) {
    return {p[0].get_future(), p[1].get_future(), p[2].get_future(), p[3].get_future()};
  }
  static std::array<std::shared_future<void>, k_calls> shared(std::array<std::promise<void>, k_calls>& p) {
    return {p[0].get_future().share(), p[1].get_future().share(), p[2].get_future().share(), p[3].get_future().share()};
  }
};

bool finished(std::future<std::optional<Result<Done>>>& f) {
  return f.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready;
}

// Two syncs run side by side; a batch committed while both run waits for neither: the first to
// finish syncs again for it. No write is answered before a sync that began after its COMMIT.
TEST(Durability, BatchesCommittedDuringASyncGetASyncOfTheirOwn) {
  TempDir dir;
  GatedSyncs gates;
  auto opened = SqliteStore::open(dir.path() / "store.db", gates.hook());
  ASSERT_TRUE(opened) << opened.error().message;
  Store& store = **opened;
  auto consent = [](std::string client) {
    return Consent{"alice", std::move(client), "Client", "https://c.example/cb", "read", 100};
  };
  // Committed (visible to readers) is not the same as answered: waits until the reader sees it.
  auto wait_committed = [&](const std::string& client) {
    while (!ok(sync(store.find_consent("alice", client)))) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  };

  asio::io_context loop;
  auto work = asio::make_work_guard(loop);
  std::thread runner([&] { loop.run(); });
  auto save = [&](const char* client) {
    return asio::co_spawn(loop, in_optional(store.save_consent(consent(client))), asio::use_future);
  };

  auto a = save("a");
  gates.wait_entered(0);  // sync 0 covers a
  auto b = save("b");
  gates.wait_entered(1);  // b was committed after sync 0 began: sync 1 runs beside it
  auto c = save("c");
  auto d = save("d");
  wait_committed("c");
  wait_committed("d");
  EXPECT_FALSE(gates.entered(2));  // both sync threads are busy; c and d wait without a thread
  EXPECT_FALSE(finished(a) || finished(b) || finished(c) || finished(d));

  gates.release(0);
  EXPECT_TRUE(*a.get());
  gates.wait_entered(2);  // sync 0's thread goes on with a sync for c and d
  EXPECT_FALSE(finished(b) || finished(c) || finished(d));
  gates.release(1);
  EXPECT_TRUE(*b.get());
  EXPECT_FALSE(finished(c) || finished(d));
  gates.release(2);
  EXPECT_TRUE(*c.get());
  EXPECT_TRUE(*d.get());
  EXPECT_EQ(gates.calls(), 3);
  gates.release(3);

  work.reset();
  runner.join();
}

TEST(Durability, AFailedSyncFailsItsWriteAndEveryLaterOne) {
  TempDir dir;
  std::atomic<int> calls{0};
  auto failing = [&calls](int) {
    ++calls;
    return EIO;
  };
  auto opened = SqliteStore::open(dir.path() / "store.db", failing);
  ASSERT_TRUE(opened) << opened.error().message;
  Store& store = **opened;

  Consent consent{"alice", "client-1", "Client", "https://c.example/cb", "read", 100};
  auto saved = sync(store.save_consent(consent));
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, StoreError::Code::unavailable);
  EXPECT_NE(saved.error().message.find("store.db-wal failed (Input/output error)"), std::string::npos)
      << saved.error().message;
  // Not retried: after a failed fsync the kernel may have dropped the pages it could not write.
  auto marked = sync(store.mark_code_used(hash("code-1"), 160, 100));
  ASSERT_FALSE(marked);
  EXPECT_EQ(marked.error().message, saved.error().message);
  EXPECT_EQ(calls.load(), 1);
  auto broken = store.broken();
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->message, saved.error().message);
  // Reads go on.
  EXPECT_TRUE(sync(store.list_consents("alice")));
}

}  // namespace
}  // namespace mcpedge::store::testing
