// The used-code set: a code redeems once, replays are seen, even from concurrent callers.
#include "store_fixture.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace mcpedge::store::testing {
namespace {

TEST_F(StoreTest, FirstUseOfACodeIsTrueAndAReplayIsFalse) {
  EXPECT_TRUE(ok(sync(store().mark_code_used(hash("code-1"), 160, 100))));
  EXPECT_FALSE(ok(sync(store().mark_code_used(hash("code-1"), 160, 101))));
  EXPECT_TRUE(ok(sync(store().mark_code_used(hash("code-2"), 160, 102))));
}

TEST_F(StoreTest, AReplayIsSeenAfterARestart) {
  EXPECT_TRUE(ok(sync(store().mark_code_used(hash("code-1"), 160, 100))));
  reopen();
  EXPECT_FALSE(ok(sync(store().mark_code_used(hash("code-1"), 160, 110))));
}

TEST_F(StoreTest, ExpiredCodesArePrunedByTheNextMark) {
  ok(sync(store().mark_code_used(hash("code-1"), 160, 100)));
  ok(sync(store().mark_code_used(hash("code-2"), 260, 200)));  // now 200: code-1 expired at 160
  RawDb raw(file());
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM used_codes"), "1");
  EXPECT_EQ(raw.scalar("SELECT expires_at FROM used_codes"), "260");
}

asio::awaitable<void> mark_and_count(Store& store, std::string code_hash, std::atomic<int>& firsts,
                                     std::atomic<int>& errors) {
  auto marked = co_await store.mark_code_used(code_hash, 160, 100);
  if (!marked)
    ++errors;
  else if (*marked)
    ++firsts;
}

TEST_F(StoreTest, ConcurrentMarksOfOneCodeYieldExactlyOneFirstUse) {
  // Two stores on one file (two connections, as two processes would have) and callers on four
  // threads; the same code is presented 32 times at once.
  auto second = open_store();
  asio::io_context loop;
  std::atomic<int> firsts = 0, errors = 0;
  const std::string code = hash("contested-code");
  for (int i = 0; i < 32; ++i) {
    Store& target = i % 2 ? *second : store();
    asio::co_spawn(loop, mark_and_count(target, code, firsts, errors), asio::detached);
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&loop] { loop.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(firsts.load(), 1);
  EXPECT_FALSE(ok(sync(store().mark_code_used(code, 160, 100))));
}

}  // namespace
}  // namespace mcpedge::store::testing
