// SseWriter: SSE framing and chunked writes with a per-write timeout (slow readers are dropped).
#include "http/sse_writer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>

namespace mcpedge::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

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

}  // namespace mcpedge::http
