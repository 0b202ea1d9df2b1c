// Mailbox: cross-thread delivery into a stream's loop, timeouts and closing.
#include "http/mailbox.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

namespace mcpedge::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct Waited {
  Mailbox::Wait how;
  std::string message;
};

asio::awaitable<Waited> wait_once(std::shared_ptr<Mailbox> mailbox, std::chrono::milliseconds timeout) {
  Waited w;
  w.how = co_await mailbox->wait(timeout, w.message);
  co_return w;
}

TEST(Mailbox, MessagePushedFromAnotherThreadWakesTheReader) {
  asio::io_context loop;
  auto mailbox = std::make_shared<Mailbox>(loop.get_executor());
  auto result = asio::co_spawn(loop, wait_once(mailbox, 10s), asio::use_future);
  std::thread pusher([mailbox] {
    std::this_thread::sleep_for(20ms);
    mailbox->push("hello");
  });
  auto started = std::chrono::steady_clock::now();
  loop.run();
  pusher.join();
  Waited w = result.get();
  EXPECT_EQ(w.how, Mailbox::Wait::message);
  EXPECT_EQ(w.message, "hello");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);  // woken, not timed out
}

TEST(Mailbox, WaitTimesOutWhenNothingArrives) {
  asio::io_context loop;
  auto mailbox = std::make_shared<Mailbox>(loop.get_executor());
  auto result = asio::co_spawn(loop, wait_once(mailbox, 10ms), asio::use_future);
  loop.run();
  EXPECT_EQ(result.get().how, Mailbox::Wait::timeout);
}

TEST(Mailbox, QueuedMessagesAreDrainedBeforeClosedIsSeen) {
  asio::io_context loop;
  auto mailbox = std::make_shared<Mailbox>(loop.get_executor());
  mailbox->push("first");
  mailbox->close(Mailbox::CloseReason::draining);
  mailbox->push("after close is dropped");
  loop.run();
  loop.restart();
  auto first = asio::co_spawn(loop, wait_once(mailbox, 1s), asio::use_future);
  loop.run();
  loop.restart();
  auto second = asio::co_spawn(loop, wait_once(mailbox, 1s), asio::use_future);
  loop.run();
  EXPECT_EQ(first.get().message, "first");
  EXPECT_EQ(second.get().how, Mailbox::Wait::closed);
  EXPECT_EQ(mailbox->close_reason(), Mailbox::CloseReason::draining);
}

TEST(Mailbox, TakeHandsOutQueuedMessagesOldestFirst) {
  asio::io_context loop;
  auto mailbox = std::make_shared<Mailbox>(loop.get_executor());
  mailbox->push("one");
  mailbox->push("two");
  loop.run();
  std::string out;
  ASSERT_TRUE(mailbox->take(out));
  EXPECT_EQ(out, "one");
  ASSERT_TRUE(mailbox->take(out));
  EXPECT_EQ(out, "two");
  EXPECT_FALSE(mailbox->take(out));
}

TEST(Mailbox, AWaitThatTimedOutLeavesNothingBehindForTheNextPush) {
  asio::io_context loop;
  auto mailbox = std::make_shared<Mailbox>(loop.get_executor());
  auto first = asio::co_spawn(loop, wait_once(mailbox, 5ms), asio::use_future);
  loop.run();
  EXPECT_EQ(first.get().how, Mailbox::Wait::timeout);
  // The timer lived in the finished wait's frame; waking the mailbox now must not touch it.
  mailbox->push("later");
  loop.restart();
  loop.run();
  loop.restart();
  auto second = asio::co_spawn(loop, wait_once(mailbox, 1s), asio::use_future);
  loop.run();
  EXPECT_EQ(second.get().message, "later");
}

}  // namespace
}  // namespace mcpedge::http
