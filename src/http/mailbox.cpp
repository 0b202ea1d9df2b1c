// Mailbox: cross-thread delivery into a stream's event loop, using a timer as the wake-up signal.
#include "http/mailbox.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mcpedge::http {

namespace asio = boost::asio;

Mailbox::Mailbox(asio::any_io_executor owner) : executor_(owner), timer_(owner) {}

void Mailbox::push(std::string message) {
  asio::post(executor_, [self = shared_from_this(), m = std::move(message)]() mutable {
    if (self->reason_ != CloseReason::none) return;
    self->queue_.push_back(std::move(m));
    self->timer_.cancel();
  });
}

void Mailbox::close(CloseReason why) {
  asio::post(executor_, [self = shared_from_this(), why] {
    if (self->reason_ == CloseReason::none) self->reason_ = why;
    self->timer_.cancel();
  });
}

asio::awaitable<Mailbox::Wait> Mailbox::wait(std::chrono::milliseconds timeout, std::string& out) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (!queue_.empty()) {
      out = std::move(queue_.front());
      queue_.erase(queue_.begin());
      co_return Wait::message;
    }
    if (reason_ != CloseReason::none) co_return Wait::closed;
    if (std::chrono::steady_clock::now() >= deadline) co_return Wait::timeout;
    timer_.expires_at(deadline);
    auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;  // cancelled = woken up; the loop re-checks the state
  }
}

}  // namespace mcpedge::http
