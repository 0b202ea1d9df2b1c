// Mailbox: cross-thread delivery into a stream's event loop; the reader is woken on that loop.
#include "http/mailbox.hpp"

#include "http/sse_writer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mcpedge::http {

namespace asio = boost::asio;

Mailbox::Mailbox(asio::any_io_executor owner) : executor_(std::move(owner)) {}

void Mailbox::push(std::string message) {
  asio::post(executor_, [self = shared_from_this(), m = std::move(message)]() mutable {
    if (self->reason_ != CloseReason::none) return;
    self->queue_.push_back(std::move(m));
    self->wake();
  });
}

void Mailbox::close(CloseReason why) {
  asio::post(executor_, [self = shared_from_this(), why] {
    if (self->reason_ == CloseReason::none) self->reason_ = why;
    self->wake();
  });
}

void Mailbox::wake() {
  if (waiter_) waiter_->cancel();
  if (relay_) relay_->wake();
}

bool Mailbox::take(std::string& out) {
  if (queue_.empty()) return false;
  out = std::move(queue_.front());
  queue_.erase(queue_.begin());
  if (queue_.empty()) queue_.shrink_to_fit();  // an idle stream keeps no spare capacity
  return true;
}

asio::awaitable<Mailbox::Wait> Mailbox::wait(std::chrono::milliseconds timeout, std::string& out) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  asio::steady_timer timer(executor_);
  // Unregisters the timer however this frame ends (also when it is destroyed while suspended).
  struct Registration {
    Mailbox& mailbox;
    ~Registration() { mailbox.waiter_ = nullptr; }
  } registration{*this};
  waiter_ = &timer;
  for (;;) {
    if (take(out)) co_return Wait::message;
    if (reason_ != CloseReason::none) co_return Wait::closed;
    if (std::chrono::steady_clock::now() >= deadline) co_return Wait::timeout;
    timer.expires_at(deadline);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;  // cancelled = woken up; the loop re-checks the state
  }
}

}  // namespace mcpedge::http
