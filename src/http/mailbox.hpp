// A queue of messages for one open stream: fed from any thread, drained on the stream's loop.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace mcpedge::http {

class SseRelay;

class Mailbox : public std::enable_shared_from_this<Mailbox> {
 public:
  enum class Wait { message, timeout, closed };
  enum class CloseReason { none, peer_gone, draining, ended };

  explicit Mailbox(boost::asio::any_io_executor owner);

  // Thread-safe: the message is queued on the owner's loop.
  void push(std::string message);
  // Thread-safe: the reader drains what is queued, then sees Wait::closed.
  void close(CloseReason why);

  // Owner's loop only. Waits up to `timeout` for a message (stored in `out`).
  boost::asio::awaitable<Wait> wait(std::chrono::milliseconds timeout, std::string& out);
  // Owner's loop only: moves the oldest queued message into `out`; false when none is queued.
  bool take(std::string& out);

  CloseReason close_reason() const { return reason_; }
  const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  friend class SseRelay;
  void wake();

  boost::asio::any_io_executor executor_;
  // Whoever reads is told of new mail: a coroutine in wait() through the timer it waits on (which
  // lives in its frame, so an idle mailbox holds no timer), or a relay that holds no coroutine.
  boost::asio::steady_timer* waiter_ = nullptr;
  SseRelay* relay_ = nullptr;
  // Rarely holds more than one message; a vector allocates nothing until then, where a deque
  // allocates ~600 bytes up front, for each of tens of thousands of idle streams.
  std::vector<std::string> queue_;
  CloseReason reason_ = CloseReason::none;
};

}  // namespace mcpedge::http
