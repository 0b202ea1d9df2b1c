// Tests of SSE polling state: results parked per stream, handed to the same user only.
#include "mcp/poll_registry.hpp"

#include <gtest/gtest.h>
#include <boost/asio.hpp>

namespace mcpedge::mcp {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(PollRegistry, StreamIdsAreDistinctAndUsableInEventIds) {
  PollRegistry polls;
  std::string a = polls.open("user");
  std::string b = polls.open("user");
  EXPECT_NE(a, b);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a.find('.'), std::string::npos);  // "<stream id>.<n>" must split back unambiguously
}

TEST(PollRegistry, CompletedResponseIsReadyForItsUser) {
  asio::io_context loop;
  PollRegistry polls;
  std::string id = polls.open("user-a");
  polls.complete(id, R"({"jsonrpc":"2.0","id":1,"result":{}})");
  std::string out;
  auto mailbox = std::make_shared<http::Mailbox>(loop.get_executor());
  EXPECT_EQ(polls.attach(id, "user-a", mailbox, out), PollRegistry::Attach::ready);
  EXPECT_EQ(out, R"({"jsonrpc":"2.0","id":1,"result":{}})");
  // Still there for a second resume (the first stream may have dropped again).
  std::string again;
  EXPECT_EQ(polls.attach(id, "user-a", mailbox, again), PollRegistry::Attach::ready);
  EXPECT_EQ(again, out);
}

TEST(PollRegistry, PendingCallIsPushedIntoTheWaitingMailboxWhenItCompletes) {
  asio::io_context loop;
  PollRegistry polls;
  std::string id = polls.open("user-a");
  auto mailbox = std::make_shared<http::Mailbox>(loop.get_executor());
  std::string out;
  ASSERT_EQ(polls.attach(id, "user-a", mailbox, out), PollRegistry::Attach::waiting);
  EXPECT_TRUE(out.empty());

  polls.complete(id, "the response");
  std::string delivered;
  auto waited = asio::co_spawn(loop, mailbox->wait(2000ms, delivered), asio::use_future);
  loop.run();
  EXPECT_EQ(waited.get(), http::Mailbox::Wait::message);
  EXPECT_EQ(delivered, "the response");
}

TEST(PollRegistry, AnotherUserIsForbidden) {
  asio::io_context loop;
  PollRegistry polls;
  std::string id = polls.open("user-a");
  polls.complete(id, "secret result");
  std::string out;
  auto mailbox = std::make_shared<http::Mailbox>(loop.get_executor());
  EXPECT_EQ(polls.attach(id, "user-b", mailbox, out), PollRegistry::Attach::forbidden);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(polls.attach(id, "", mailbox, out), PollRegistry::Attach::forbidden);
}

TEST(PollRegistry, UnknownStreamIsUnknown) {
  asio::io_context loop;
  PollRegistry polls;
  std::string out;
  auto mailbox = std::make_shared<http::Mailbox>(loop.get_executor());
  EXPECT_EQ(polls.attach("no-such-stream", "user-a", mailbox, out), PollRegistry::Attach::unknown);
  polls.complete("no-such-stream", "ignored");  // completing an unknown stream is harmless
  EXPECT_EQ(polls.attach("no-such-stream", "user-a", mailbox, out), PollRegistry::Attach::unknown);
}

TEST(PollRegistry, PeekGivesTheVerdictWithoutRegisteringAWaiter) {
  PollRegistry polls;
  std::string id = polls.open("user-a");
  EXPECT_EQ(polls.peek(id, "user-a"), PollRegistry::Attach::waiting);
  EXPECT_EQ(polls.peek(id, "user-b"), PollRegistry::Attach::forbidden);
  EXPECT_EQ(polls.peek("no-such-stream", "user-a"), PollRegistry::Attach::unknown);
  polls.complete(id, R"({"jsonrpc":"2.0","id":1,"result":{}})");
  EXPECT_EQ(polls.peek(id, "user-a"), PollRegistry::Attach::ready);
}

TEST(ParseEventId, SplitsStreamIdAndNumberAtTheLastDot) {
  EXPECT_EQ(parse_event_id("abc.1"), (std::pair<std::string, int>{"abc", 1}));
  EXPECT_EQ(parse_event_id("a.b.12"), (std::pair<std::string, int>{"a.b", 12}));
}

TEST(ParseEventId, RejectsAnythingElse) {
  EXPECT_EQ(parse_event_id(""), std::nullopt);
  EXPECT_EQ(parse_event_id("abc"), std::nullopt);
  EXPECT_EQ(parse_event_id(".1"), std::nullopt);
  EXPECT_EQ(parse_event_id("abc."), std::nullopt);
  EXPECT_EQ(parse_event_id("abc.x"), std::nullopt);
  EXPECT_EQ(parse_event_id("abc.1x"), std::nullopt);
  EXPECT_EQ(parse_event_id("abc.99999999999999999999"), std::nullopt);
}

}  // namespace
}  // namespace mcpedge::mcp
