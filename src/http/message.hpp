// The request and reply types that HTTP handlers see, and small reply builders.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpedge::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Status = bhttp::status;
using Field = bhttp::field;
using Verb = bhttp::verb;

class SseWriter;
class Worker;

// A streamed body: runs after the head went out with chunked encoding, writing SSE events until
// it returns. The connection stays usable afterwards (the last chunk ends the response).
using StreamBody = std::function<asio::awaitable<void>(SseWriter&)>;

struct Reply {
  Response head;
  StreamBody stream;  // empty: `head` is the whole response
};

// What a handler gets besides the request: where it came from and the worker serving it.
struct Incoming {
  Request& request;
  asio::ip::tcp::endpoint remote;
  Worker& worker;
  std::string_view path;   // target without the query
  std::string_view query;  // after '?', empty if none
};

using Handler = std::function<asio::awaitable<Reply>(Incoming&)>;

Reply make_reply(Status status, std::string body, std::string_view content_type);
Reply text_reply(Status status, std::string body);
Reply json_reply(Status status, std::string body);
// A plain-text error that says what was wrong: "413 Payload Too Large: body exceeds 1048576 bytes".
Reply error_reply(Status status, std::string_view reason);

// Case-insensitive header lookup; empty when absent.
std::string_view header(const Request& req, std::string_view name);
std::string_view header(const Request& req, Field field);

// Value of one query parameter (percent-decoded), or nullopt.
std::optional<std::string> query_param(std::string_view query, std::string_view name);
// Every parameter of a query string or an application/x-www-form-urlencoded body, decoded ('+' is a
// space), in order and with repeats; nullopt when the text is not valid percent-encoding.
std::optional<std::vector<std::pair<std::string, std::string>>> form_params(std::string_view text);
// The value of a cookie sent by the browser (RFC 6265 §5.4), or nullopt.
std::optional<std::string> cookie(const Request& req, std::string_view name);

}  // namespace mcpedge::http
