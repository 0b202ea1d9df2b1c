// SseWriter: SSE framing and chunked writes with a per-write timeout (slow readers are dropped).
// SseRelay: mailbox messages and keep-alive comments onto a chunked SSE response, a coroutine only
// while writing; RelaySchedule: one timer per worker for every relayed stream's keep-alives.
#include "http/sse_writer.hpp"

#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>

namespace mcpedge::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace beast = boost::beast;

namespace {
constexpr auto k_use = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view k_last_chunk = "0\r\n\r\n";  // ends a chunked body (RFC 9112 §7.1)
}  // namespace

std::string format_sse_event(std::string_view data, std::string_view event, std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 32);
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  if (!id.empty()) {
    out += "id: ";
    out += id;
    out += '\n';
  }
  std::size_t start = 0;
  do {
    auto end = data.find('\n', start);
    auto line = data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "data: ";
    out += line;
    out += '\n';
    start = end == std::string_view::npos ? data.size() + 1 : end + 1;
  } while (start <= data.size());
  out += '\n';
  return out;
}

SseWriter::SseWriter(boost::beast::tcp_stream& stream, Worker& worker, std::shared_ptr<Mailbox> mailbox,
                     std::chrono::milliseconds write_timeout)
    : stream_(stream), worker_(worker), mailbox_(std::move(mailbox)), write_timeout_(write_timeout) {}

asio::awaitable<bool> SseWriter::write_chunk(std::string chunk) {
  if (!ok_) co_return false;
  stream_.expires_after(write_timeout_);
  auto body = bhttp::make_chunk(asio::buffer(chunk));
  auto [ec, n] = co_await asio::async_write(stream_, body, asio::as_tuple(asio::use_awaitable));
  (void)n;
  stream_.expires_never();
  if (ec) ok_ = false;
  co_return ok_;
}

asio::awaitable<bool> SseWriter::event(std::string_view data, std::string_view event, std::string_view id) {
  co_return co_await write_chunk(format_sse_event(data, event, id));
}

asio::awaitable<bool> SseWriter::comment(std::string_view text) {
  std::string chunk = ": ";
  chunk += text;
  chunk += "\n\n";
  co_return co_await write_chunk(std::move(chunk));
}

asio::awaitable<bool> SseWriter::retry(std::chrono::milliseconds after) {
  co_return co_await write_chunk("retry: " + std::to_string(after.count()) + "\n\n");
}

asio::awaitable<bool> SseWriter::prime(std::string_view id, std::chrono::milliseconds retry) {
  std::string chunk = "id: ";
  chunk += id;
  if (retry.count() > 0) chunk += "\nretry: " + std::to_string(retry.count());
  chunk += "\ndata: \n\n";
  co_return co_await write_chunk(std::move(chunk));
}

void SseRelay::start(asio::ip::tcp::socket socket, Worker& worker, std::shared_ptr<Mailbox> mailbox, RelaySpec spec) {
  auto relay = std::make_shared<SseRelay>(std::move(socket), worker, std::move(mailbox), std::move(spec));
  relay->mailbox_->relay_ = relay.get();
  worker.relays_.reschedule(*relay);
  relay->watch_peer();
  // Whatever reached the mailbox before the hand-over (a reply, or a drain) goes out now.
  relay->run_pump();
}

SseRelay::SseRelay(asio::ip::tcp::socket socket, Worker& worker, std::shared_ptr<Mailbox> mailbox, RelaySpec spec)
    : socket_(std::move(socket)), worker_(worker), mailbox_(std::move(mailbox)), spec_(std::move(spec)) {}

SseRelay::~SseRelay() {
  if (mailbox_->relay_ == this) mailbox_->relay_ = nullptr;
}

// The peer sends nothing on an SSE stream: readable means data or EOF, and either way it is done
// with us. A wait needs no buffer and no coroutine frame, only this pending operation.
void SseRelay::watch_peer() {
  socket_.async_wait(asio::socket_base::wait_read, [self = shared_from_this()](beast::error_code ec) {
    if (ec == asio::error::operation_aborted || self->ended_) return;
    if (self->mailbox_->reason_ == Mailbox::CloseReason::none)
      self->mailbox_->reason_ = Mailbox::CloseReason::peer_gone;
    self->wake();
  });
}

void SseRelay::wake() {
  if (!ended_) run_pump();
}

void SseRelay::keepalive_due() {
  comment_due_ = true;
  if (!ended_) run_pump();
}

void SseRelay::run_pump() {
  if (pumping_) return;  // the running pump sees the new state before it returns
  pumping_ = true;
  auto pump_body = pump(shared_from_this());
  auto on_done = [self = shared_from_this()](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("SSE relay failed: {}", ex.what());
    }
    self->end();
  };
  asio::co_spawn(socket_.get_executor(), std::move(pump_body), std::move(on_done));
}

// `self` keeps this relay alive from the moment the pump is spawned until it returns.
asio::awaitable<void> SseRelay::pump(std::shared_ptr<SseRelay> self) {
  (void)self;
  std::string message;
  for (;;) {
    if (mailbox_->reason_ == Mailbox::CloseReason::peer_gone) break;  // nobody left to read the rest
    std::string chunk;
    if (mailbox_->take(message)) {
      chunk = format_sse_event(message, spec_.event, {});
    } else if (mailbox_->reason_ != Mailbox::CloseReason::none) {
      if (mailbox_->reason_ == Mailbox::CloseReason::draining) {
        std::string retry = "retry: " + std::to_string(worker_.limits().stream_retry_hint.count()) + "\n\n";
        if (co_await write(retry, true)) co_await write(k_last_chunk, false);
      }
      break;
    } else if (comment_due_) {
      comment_due_ = false;
      chunk = ": keepalive\n\n";
    } else {
      pumping_ = false;
      co_return;
    }
    if (!co_await write(chunk, true)) break;
    worker_.relays_.reschedule(*this);
  }
  end();
}

// One chunk (or raw bytes) with the server's write timeout: a reader that does not take it in
// time is dropped.
asio::awaitable<bool> SseRelay::write(std::string_view bytes, bool chunk) {
  asio::steady_timer deadline(socket_.get_executor(), worker_.limits().write_timeout);
  // A deadline that fires as the write completes may already be queued when it is cancelled: it
  // must not cancel the socket then, or it would also end the peer watch, and with it the last
  // pending operation that keeps an idle relay alive.
  auto on_deadline = [self = shared_from_this()](beast::error_code ec) {
    if (ec || !self->writing_) return;
    beast::error_code ignored;
    self->socket_.cancel(ignored);
  };
  deadline.async_wait(on_deadline);
  writing_ = true;
  beast::error_code ec;
  if (chunk) {
    auto body = bhttp::make_chunk(asio::buffer(bytes.data(), bytes.size()));
    auto [error, n] = co_await asio::async_write(socket_, body, k_use);
    (void)n;
    ec = error;
  } else {
    auto raw = asio::buffer(bytes.data(), bytes.size());
    auto [error, n] = co_await asio::async_write(socket_, raw, k_use);
    (void)n;
    ec = error;
  }
  writing_ = false;
  deadline.cancel();
  co_return !ec;
}

void SseRelay::end() {
  if (ended_) return;
  ended_ = true;
  pumping_ = false;
  worker_.relays_.remove(*this);
  if (mailbox_->reason_ == Mailbox::CloseReason::none) mailbox_->reason_ = Mailbox::CloseReason::ended;
  mailbox_->relay_ = nullptr;
  beast::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);  // ends the peer watch, whose handler held the last reference
  auto on_end = std::move(spec_.on_end);
  spec_.on_end = nullptr;
  if (on_end) on_end();
  worker_.relay_ended();
}

RelaySchedule::RelaySchedule(asio::any_io_executor executor) : timer_(std::move(executor)) {}

RelaySchedule::~RelaySchedule() { relays_.clear(); }

void RelaySchedule::reschedule(SseRelay& relay) {
  place(relay);
  if (!armed_ || relays_.front().due() < timer_.expiry()) arm();
}

void RelaySchedule::place(SseRelay& relay) {
  if (relay.is_linked()) relays_.erase(relays_.iterator_to(relay));
  relay.due_ = std::chrono::steady_clock::now() + relay.keepalive();
  // Every relay of a server has the same interval in practice, so this walk stops at once.
  auto it = relays_.end();
  while (it != relays_.begin() && std::prev(it)->due() > relay.due()) --it;
  relays_.insert(it, relay);
}

void RelaySchedule::remove(SseRelay& relay) {
  if (relay.is_linked()) relays_.erase(relays_.iterator_to(relay));
  if (relays_.empty() && armed_) timer_.cancel();  // an idle timer would keep a draining loop alive
}

void RelaySchedule::close_all(Mailbox::CloseReason why) {
  for (auto& relay : relays_) relay.mailbox().close(why);
}

void RelaySchedule::arm() {
  armed_ = true;
  timer_.expires_at(relays_.front().due());  // cancels the wait it replaces
  auto generation = ++generation_;
  timer_.async_wait([this, generation](beast::error_code ec) {
    if (generation != generation_) return;  // replaced by a later arm()
    armed_ = false;
    if (!ec) fire();
  });
}

void RelaySchedule::fire() {
  auto now = std::chrono::steady_clock::now();
  // A relay stays in line while its comment is written (a drain must still find it), one interval
  // further back; the write itself puts it back again.
  while (!relays_.empty() && relays_.front().due() <= now) {
    SseRelay& relay = relays_.front();
    place(relay);
    relay.keepalive_due();
  }
  if (!relays_.empty()) arm();
}

}  // namespace mcpedge::http
