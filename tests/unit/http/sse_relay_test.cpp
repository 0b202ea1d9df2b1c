// SseRelay: a stream handed over by its body keeps relaying messages and keep-alives, and ends
// (freeing everything) when the peer leaves, the server drains or the reader is too slow.
#include "http/server.hpp"
#include "http/sse_writer.hpp"

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <future>
#include <thread>

namespace mcpedge::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// What the stream body saw, for the test to act on.
struct Opened {
  std::weak_ptr<Mailbox> mailbox;
};

class RelayedStream : public ::testing::Test {
 protected:
  void start(ServerLimits limits, std::chrono::milliseconds keepalive) {
    Handler handler = [this, keepalive](Incoming&) -> asio::awaitable<Reply> {
      Reply reply = make_reply(Status::ok, "", "text/event-stream");
      reply.stream = [this, keepalive](SseWriter& writer) -> asio::awaitable<void> {
        auto ended = [this] { ended_.set_value(); };
        RelaySpec spec{"message", keepalive, std::move(ended)};
        writer.relay(std::move(spec));
        co_await writer.event("/messages?session_id=x", "endpoint");
        opened_.set_value(Opened{writer.mailbox_ptr()});
      };
      co_return reply;
    };
    server_ = std::make_unique<Server>(limits, 1, handler);
    endpoint_ = server_->listen("127.0.0.1", 0);
    thread_ = std::thread([this] { server_->run(); });
    socket_.connect(endpoint_);
    std::string request = "GET /sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";
    asio::write(socket_, asio::buffer(request));
    ASSERT_NE(read_until("event: endpoint"), std::string::npos);
    auto opened = opened_.get_future();
    ASSERT_EQ(opened.wait_for(5s), std::future_status::ready);
    mailbox_ = opened.get().mailbox;
  }

  void TearDown() override {
    if (!server_) return;
    server_->stop();
    thread_.join();
  }

  // Reads until `needle` arrived (position in everything read so far) or `timeout` passed (npos).
  std::size_t read_until(std::string_view needle, std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto at = seen_.find(needle, scanned_); at != std::string::npos) {
        scanned_ = at + needle.size();
        return at;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::string::npos;
      pollfd fd{socket_.native_handle(), POLLIN, 0};
      if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      auto n = ::recv(socket_.native_handle(), buffer, sizeof buffer, 0);
      if (n <= 0) return std::string::npos;
      seen_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  bool peer_closed(std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd fd{socket_.native_handle(), POLLIN, 0};
      if (::poll(&fd, 1, 50) <= 0) continue;
      char buffer[4096];
      auto n = ::recv(socket_.native_handle(), buffer, sizeof buffer, 0);
      if (n <= 0) return true;
      seen_.append(buffer, static_cast<std::size_t>(n));
    }
    return false;
  }
  std::size_t open_streams() {
    std::promise<std::size_t> count;
    Worker& worker = server_->worker(0);
    asio::post(worker.loop(), [&] { count.set_value(worker.open_streams()); });
    return count.get_future().get();
  }

  std::unique_ptr<Server> server_;
  std::thread thread_;
  asio::ip::tcp::endpoint endpoint_;
  asio::io_context client_loop_;
  asio::ip::tcp::socket socket_{client_loop_};
  std::string seen_;
  std::size_t scanned_ = 0;
  std::promise<Opened> opened_;
  std::promise<void> ended_;
  std::weak_ptr<Mailbox> mailbox_;
};

TEST_F(RelayedStream, MessagesArriveInOrderAsEventsOfTheRelayedName) {
  start({}, 10s);
  auto mailbox = mailbox_.lock();
  ASSERT_TRUE(mailbox);
  std::thread pusher([mailbox] {
    for (int i = 0; i < 50; ++i) mailbox->push("{\"n\":" + std::to_string(i) + "}");
  });
  pusher.join();
  for (int i = 0; i < 50; ++i) {
    std::string event = "event: message\ndata: {\"n\":" + std::to_string(i) + "}\n\n";
    ASSERT_NE(read_until(event), std::string::npos) << "message " << i << " in: " << seen_;
  }
  EXPECT_EQ(open_streams(), 1u);
}

TEST_F(RelayedStream, KeepaliveCommentsArriveWhileIdle) {
  start({}, 100ms);
  auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) ASSERT_NE(read_until(": keepalive\n\n", 1s), std::string::npos) << seen_;
  auto took = std::chrono::steady_clock::now() - began;
  EXPECT_GE(took, 250ms);  // every interval, not in a burst
  EXPECT_LT(took, 2s);
  // A message resets the interval but the comments keep coming after it.
  mailbox_.lock()->push("hi");
  ASSERT_NE(read_until("data: hi\n\n"), std::string::npos);
  ASSERT_NE(read_until(": keepalive\n\n", 1s), std::string::npos);
}

TEST_F(RelayedStream, PeerLeavingEndsTheStreamAndFreesIt) {
  start({}, 10s);
  auto ended = ended_.get_future();
  socket_.close();
  ASSERT_EQ(ended.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(open_streams(), 0u);
  // Nothing holds the mailbox any more: the relay and its pending operations are gone.
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!mailbox_.expired() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(mailbox_.expired());
}

TEST_F(RelayedStream, DrainEndsTheStreamWithARetryHintAndTheServerStops) {
  ServerLimits limits;
  limits.stream_retry_hint = 1234ms;
  start(limits, 10s);
  auto ended = ended_.get_future();
  server_->stop();
  EXPECT_NE(read_until("retry: 1234\n\n"), std::string::npos) << seen_;
  EXPECT_NE(read_until("0\r\n\r\n"), std::string::npos) << "the last chunk ends the response: " << seen_;
  EXPECT_TRUE(peer_closed());
  EXPECT_EQ(ended.wait_for(5s), std::future_status::ready);
  thread_.join();  // run() returned: nothing kept the loop alive
  server_.reset();
}

TEST_F(RelayedStream, AReaderThatStopsReadingIsDropped) {
  ServerLimits limits;
  limits.write_timeout = 200ms;
  start(limits, 10s);
  int small = 4096;
  ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  auto ended = ended_.get_future();
  auto mailbox = mailbox_.lock();
  std::string big(1 << 20, 'x');
  for (int i = 0; i < 16; ++i) mailbox->push(big);
  mailbox.reset();
  EXPECT_EQ(ended.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(open_streams(), 0u);
}

}  // namespace
}  // namespace mcpedge::http
