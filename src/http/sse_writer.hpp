// Writes Server-Sent Events onto an open, chunked HTTP response.
#pragma once

#include "http/mailbox.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace mcpedge::http {

class Worker;

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
};

// SSE framing: every line of `data` becomes its own "data:" line.
std::string format_sse_event(std::string_view data, std::string_view event, std::string_view id);

}  // namespace mcpedge::http
