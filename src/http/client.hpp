// Outbound HTTP to the upstream API: libcurl's multi-socket interface driven by one worker's loop.
// libcurl is loaded on the first request (http/libcurl.hpp), not at process start.
#pragma once

#include "base/expected.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mcpedge::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct OutboundRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds connect_timeout{5000};
  // Bytes of body kept; the rest is discarded and `truncated` set on the response.
  std::size_t max_response_bytes = 1 << 20;
  // CURLOPT_RESOLVE entry "host:port:address[,address]" so the connection goes to addresses the
  // caller already checked (DNS pinning against rebinding); empty: resolve normally.
  std::string resolve_pin;
  // Refuse every scheme but https (CURLOPT_PROTOCOLS_STR "https").
  bool https_only = false;
};

struct OutboundResponse {
  long status = 0;
  HeaderList headers;  // names lower-cased, in arrival order
  std::string body;
  bool truncated = false;
  std::string effective_url;

  // First value of a header (name lower-case), empty if absent.
  std::string_view header(std::string_view lower_name) const;
  std::string_view content_type() const { return header("content-type"); }
};

enum class OutboundErrorKind { timeout, connect, resolve, tls, protocol, cancelled, other };

struct OutboundError {
  OutboundErrorKind kind;
  std::string message;  // curl's explanation, e.g. "Connection refused"
};

const char* to_string(OutboundErrorKind kind);

class HttpClient {
 public:
  explicit HttpClient(boost::asio::io_context& loop);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Must be awaited on the loop this client was made for. Connections are reused between calls.
  // The first call loads libcurl (http/libcurl.hpp); if that fails, every call fails with `other`.
  boost::asio::awaitable<Expected<OutboundResponse, OutboundError>> fetch(OutboundRequest request);

  // Fails every call in flight with `cancelled` (used at shutdown).
  void cancel_all();

 private:
  struct Impl;
  boost::asio::io_context& loop_;
  std::unique_ptr<Impl> impl_;  // made by the first fetch
};

}  // namespace mcpedge::http
