// Writes Server-Sent Events onto an open, chunked HTTP response: from a stream body's coroutine
// (SseWriter), or with no coroutine at all for long idle streams (SseRelay).
#pragma once

#include "http/mailbox.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/intrusive/list.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mcpedge::http {

class Worker;

// What a stream body asks for when it hands its stream over (SseWriter::relay): every message
// pushed into the mailbox goes out as one `event` event, a `: keepalive` comment after every
// `keepalive` without a write, and `on_end` runs on the stream's loop once the stream is gone.
struct RelaySpec {
  std::string event;
  std::chrono::milliseconds keepalive{15000};
  std::function<void()> on_end;
};

class RelaySchedule;

// One relayed stream. Idle, it is this object, its mailbox and one pending wait for the socket to
// become readable (the peer sends nothing on a stream, so readable means it left). A coroutine
// exists only while something is being written.
class SseRelay : public std::enable_shared_from_this<SseRelay>, public boost::intrusive::list_base_hook<> {
 public:
  // Starts relaying on `socket`, whose response head and chunked body are already under way.
  static void start(boost::asio::ip::tcp::socket socket, Worker& worker, std::shared_ptr<Mailbox> mailbox,
                    RelaySpec spec);

  SseRelay(boost::asio::ip::tcp::socket socket, Worker& worker, std::shared_ptr<Mailbox> mailbox, RelaySpec spec);
  ~SseRelay();
  SseRelay(const SseRelay&) = delete;
  SseRelay& operator=(const SseRelay&) = delete;

  // The mailbox got a message or was closed.
  void wake();
  // The keep-alive schedule: nothing was written for `keepalive`.
  void keepalive_due();

  std::chrono::steady_clock::time_point due() const { return due_; }
  std::chrono::milliseconds keepalive() const { return spec_.keepalive; }
  Mailbox& mailbox() { return *mailbox_; }

 private:
  void watch_peer();
  void run_pump();
  boost::asio::awaitable<void> pump(std::shared_ptr<SseRelay> self);
  boost::asio::awaitable<bool> write(std::string_view bytes, bool chunk);
  void end();

  friend class RelaySchedule;
  boost::asio::ip::tcp::socket socket_;
  Worker& worker_;
  std::shared_ptr<Mailbox> mailbox_;
  RelaySpec spec_;
  std::chrono::steady_clock::time_point due_;
  bool pumping_ = false;
  bool writing_ = false;  // a write is under way: its deadline may cancel the socket
  bool comment_due_ = false;
  bool ended_ = false;
};

// A worker's relayed streams in the order their keep-alive comments fall due, served by one timer
// (instead of one timer per stream). Owner's loop only.
class RelaySchedule {
 public:
  explicit RelaySchedule(boost::asio::any_io_executor executor);
  ~RelaySchedule();

  // Puts `relay` (back) in line, due one keep-alive interval from now.
  void reschedule(SseRelay& relay);
  void remove(SseRelay& relay);
  bool empty() const { return relays_.empty(); }
  std::size_t size() const { return relays_.size(); }
  // Drain: every relayed stream's mailbox is closed (each then ends with a `retry:` hint).
  void close_all(Mailbox::CloseReason why);

 private:
  void place(SseRelay& relay);
  void arm();
  void fire();

  boost::intrusive::list<SseRelay, boost::intrusive::constant_time_size<true>> relays_;
  boost::asio::steady_timer timer_;
  bool armed_ = false;
  std::uint64_t generation_ = 0;  // of the live wait; replaced waits complete as no-ops
};

class SseWriter {
 public:
  SseWriter(boost::beast::tcp_stream& stream, Worker& worker, std::shared_ptr<Mailbox> mailbox,
            std::chrono::milliseconds write_timeout);

  // Each returns false once the peer is gone; the stream body should then return.
  boost::asio::awaitable<bool> event(std::string_view data, std::string_view event = {}, std::string_view id = {});
  boost::asio::awaitable<bool> comment(std::string_view text);
  boost::asio::awaitable<bool> retry(std::chrono::milliseconds after);
  // Priming event [2025-11-25]: an id and empty data, so the client can resume from it.
  boost::asio::awaitable<bool> prime(std::string_view id, std::chrono::milliseconds retry = {});

  // Hands the stream over when the body returns: from then on the server relays every mailbox
  // message as one `spec.event` event, with keep-alive comments, and holds no coroutine for it.
  // For streams that stay open for hours; `spec.on_end` runs once the stream is gone, also when it
  // never got relayed (the peer left first).
  void relay(RelaySpec spec) { relay_ = std::move(spec); }
  std::optional<RelaySpec> take_relay() { return std::exchange(relay_, std::nullopt); }

  bool ok() const { return ok_; }
  Worker& worker() { return worker_; }
  // Messages for this stream; closed when the peer goes away or the server drains.
  Mailbox& mailbox() { return *mailbox_; }
  const std::shared_ptr<Mailbox>& mailbox_ptr() const { return mailbox_; }

 private:
  boost::asio::awaitable<bool> write_chunk(std::string chunk);

  boost::beast::tcp_stream& stream_;
  Worker& worker_;
  std::shared_ptr<Mailbox> mailbox_;
  std::chrono::milliseconds write_timeout_;
  bool ok_ = true;
  std::optional<RelaySpec> relay_;
};

// SSE framing: every line of `data` becomes its own "data:" line.
std::string format_sse_event(std::string_view data, std::string_view event, std::string_view id);

}  // namespace mcpedge::http
