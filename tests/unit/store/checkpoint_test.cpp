// Checkpoints: the WAL's pages go back into the database file on the store's checkpoint thread,
// the writer steps in only when that thread cannot catch up, and the WAL stays bounded either way.
#include "store_fixture.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace mcpedge::store::testing {
namespace {

using namespace std::chrono_literals;
using sqlite::CheckpointPolicy;
using sqlite::fdatasync_file;

// The syncs of the store's own sync threads are skipped: these tests are about checkpoints, which
// SQLite syncs itself.
int no_sync(int) { return 0; }

// A consent whose scopes fill about two pages, so that each write adds a few WAL frames.
Consent big_consent(int writer, int n) {
  return Consent{
      "user-" + std::to_string(writer) + "-" + std::to_string(n), "client-1", "Client", "https://c.example/cb",
      std::string(7000, static_cast<char>('a' + n % 26)),         100};
}

asio::awaitable<int> write_consents(Store& store, int writer, int count) {
  int failed = 0;
  for (int n = 0; n < count; ++n) {
    if (!co_await store.save_consent(big_consent(writer, n))) ++failed;
  }
  co_return failed;
}

// `writers` coroutines on one loop, each saving `count` consents one after another: the writer's
// queue is never empty for long, as under load.
int write_concurrently(Store& store, int writers, int count) {
  asio::io_context loop;
  std::vector<std::future<int>> done;
  for (int w = 0; w < writers; ++w)
    done.push_back(asio::co_spawn(loop, write_consents(store, w, count), asio::use_future));
  loop.run();
  int failed = 0;
  for (auto& d : done) failed += d.get();
  return failed;
}

std::uintmax_t wal_bytes(const std::filesystem::path& db) {
  std::error_code ec;
  auto size = std::filesystem::file_size(db.string() + "-wal", ec);
  return ec ? 0 : size;
}

constexpr std::uintmax_t k_frame_bytes = 4096 + 24;  // a page and its frame header

TEST(Checkpoints, RunOnTheCheckpointThreadNotInTheWritersCommit) {
  TempDir dir;
  const auto file = dir.path() / "store.db";
  auto opened = SqliteStore::open(file, no_sync, CheckpointPolicy{50, 1'000'000});
  ASSERT_TRUE(opened) << opened.error().message;
  SqliteStore& store = **opened;
  const auto size_at_open = std::filesystem::file_size(file);
  for (int n = 0; n < 40; ++n) ASSERT_TRUE(sync(store.save_consent(big_consent(0, n))));
  // SQLite's own auto-checkpoint would have run inside a COMMIT by now; the thread does it instead.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (store.checkpoint_counts().off_writer == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  EXPECT_GE(store.checkpoint_counts().off_writer, 1u);
  EXPECT_EQ(store.checkpoint_counts().by_writer, 0u);
  // What it copied is in the database file, while the store is still open (closing checkpoints too):
  // at least the 50 frames that started it, nearly all of them distinct pages of these consents.
  EXPECT_GT(std::filesystem::file_size(file), size_at_open + 25 * 4096);
  EXPECT_EQ(ok(sync(store.list_consents("user-0-39"))).size(), 1u);
}

TEST(Checkpoints, TheWalStaysBoundedUnderWritesThatNeverPause) {
  TempDir dir;
  const auto file = dir.path() / "store.db";
  const CheckpointPolicy policy{100, 400};
  auto opened = SqliteStore::open(file, no_sync, policy);
  ASSERT_TRUE(opened) << opened.error().message;
  SqliteStore& store = **opened;
  constexpr int k_writers = 8;
  constexpr int k_each = 300;
  // 2,400 writes of two pages and more each: without starting over, a WAL of 5,000 frames or more.
  ASSERT_EQ(write_concurrently(store, k_writers, k_each), 0);
  const auto counts = store.checkpoint_counts();
  EXPECT_GE(counts.off_writer, 1u);
  EXPECT_GE(counts.by_writer, 1u) << "the writer never had to catch up: the test did not load it enough";
  // The bound: the writer's threshold, plus what commits while a checkpoint still runs on the thread
  // (the writer's own attempt then waits for the next COMMIT), plus one batch. Measured: ~750
  // frames; with the writer never stepping in, the same writes left a WAL of ~11,800 (48 MB).
  EXPECT_LE(wal_bytes(file), 5 * policy.writer_frames * k_frame_bytes);
  EXPECT_EQ(ok(sync(store.list_consents("user-7-299"))).size(), 1u);
  // Every write is there after a restart.
  opened->reset();
  auto again = SqliteStore::open(file);
  ASSERT_TRUE(again) << again.error().message;
  for (int w = 0; w < k_writers; ++w) {
    auto found =
        ok(sync((*again)->find_consent("user-" + std::to_string(w) + "-" + std::to_string(k_each - 1), "client-1")));
    EXPECT_TRUE(found.has_value()) << "writer " << w;
  }
  RawDb raw(file);
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM consents"), std::to_string(k_writers * k_each));
}

// The child of AcknowledgedWritesSurviveKill9WhileCheckpointing: 8 writers save consents as fast as
// their writes return and report each acknowledged one on `report` ("writer n" lines, each one
// write(2), so atomic); after `kill_after` acknowledgements it reports its checkpoint counts and
// kills itself, with writes, syncs and checkpoints in flight. The writers share one loop's thread,
// so the count needs no synchronisation.
constexpr int k_child_failed = 2;

asio::awaitable<void> write_and_report(SqliteStore& store, int writer, int report, int& acknowledged, int kill_after) {
  for (int n = 0;; ++n) {
    if (!co_await store.save_consent(big_consent(writer, n))) ::_exit(k_child_failed);
    char line[32];
    const int length = std::snprintf(line, sizeof line, "%d %d\n", writer, n);
    if (::write(report, line, static_cast<std::size_t>(length)) != length) ::_exit(k_child_failed);
    if (++acknowledged == kill_after) {
      const auto counts = store.checkpoint_counts();
      const int c =
          std::snprintf(line, sizeof line, "C %llu %llu\n", static_cast<unsigned long long>(counts.off_writer),
                        static_cast<unsigned long long>(counts.by_writer));
      if (::write(report, line, static_cast<std::size_t>(c)) != c) ::_exit(k_child_failed);
      std::raise(SIGKILL);
    }
  }
}

[[noreturn]] void write_until_killed(const std::filesystem::path& file, int report) {
  auto opened = SqliteStore::open(file, fdatasync_file, CheckpointPolicy{50, 200});
  if (!opened) ::_exit(k_child_failed);
  asio::io_context loop;
  int acknowledged = 0;
  for (int w = 0; w < 8; ++w)
    asio::co_spawn(loop, write_and_report(**opened, w, report, acknowledged, 1200), asio::detached);
  loop.run();
  ::_exit(k_child_failed);
}

// kill -9 while checkpoints run on both threads: every write that was acknowledged is there after a
// restart (SQLite's recovery of the WAL, with the checkpoints of this store).
TEST(Checkpoints, AcknowledgedWritesSurviveKill9WhileCheckpointing) {
  TempDir dir;
  const auto file = dir.path() / "store.db";
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    ::close(report[0]);
    write_until_killed(file, report[1]);
  }
  ::close(report[1]);
  std::string reported;
  char chunk[4096];
  for (ssize_t n; (n = ::read(report[0], chunk, sizeof chunk)) > 0;)
    reported.append(chunk, static_cast<std::size_t>(n));
  ::close(report[0]);
  ASSERT_TRUE(killed_by_sigkill(child));

  std::set<std::pair<int, int>> acknowledged;
  unsigned long long off_writer = 0, by_writer = 0;
  std::istringstream lines(reported);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("C ")) {
      std::sscanf(line.c_str(), "C %llu %llu", &off_writer, &by_writer);
      continue;
    }
    int writer = 0, n = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "%d %d", &writer, &n), 2) << line;
    acknowledged.emplace(writer, n);
  }
  ASSERT_EQ(acknowledged.size(), 1200u);
  // Both kinds of checkpoint ran before the kill, so the test covered them.
  EXPECT_GE(off_writer, 1u);
  EXPECT_GE(by_writer, 1u);

  auto opened = SqliteStore::open(file);
  ASSERT_TRUE(opened) << opened.error().message;
  int missing = 0;
  for (const auto& [writer, n] : acknowledged) {
    const Consent expected = big_consent(writer, n);
    auto found = ok(sync((*opened)->find_consent(expected.subject, "client-1")));
    if (!found || found->scopes != expected.scopes) ++missing;
  }
  EXPECT_EQ(missing, 0);
}

}  // namespace
}  // namespace mcpedge::store::testing
