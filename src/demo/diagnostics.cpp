// Diagnostics endpoints for protocol conformance tests: every content type, errors, echo, delays, sizes.
#include "demo/api_support.hpp"
#include "demo/handlers.hpp"
#include "demo/media.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <chrono>
#include <system_error>

namespace mcpedge::demo::detail {

asio::awaitable<Reply> diag_text(Call&) {
  co_return http::text_reply(Status::ok, "This is a simple text response for testing.");
}

asio::awaitable<Reply> diag_image(Call&) {
  co_return http::make_reply(Status::ok, std::string(png_pixel()), "image/png");
}

asio::awaitable<Reply> diag_audio(Call&) {
  co_return http::make_reply(Status::ok, wav_silence(std::chrono::milliseconds(100)), "audio/wav");
}

asio::awaitable<Reply> diag_embedded(Call&) {
  Reply reply = http::text_reply(Status::ok, "This is an embedded resource content.");
  reply.head.set(http::Field::content_location, "test://embedded-resource");
  co_return reply;
}

asio::awaitable<Reply> diag_mixed(Call&) {
  constexpr string_view boundary = "mcpedge-demo-7c1f0b";
  // One braced list: pushing braced temporaries one by one trips a false g++ 12 -Wstringop-overread
  // (GCC bug 105651) once this handler is compiled in a file of its own.
  const std::vector<MimePart> parts = {
      {{{"Content-Type", "text/plain; charset=utf-8"}}, "Multiple content types test:"},
      {{{"Content-Type", "image/png"}, {"Content-Transfer-Encoding", "binary"}}, std::string(png_pixel())},
      {{{"Content-Type", "application/json"}, {"Content-Location", "test://mixed-content-resource"}},
       R"({"test":"data","value":123})"}};
  co_return http::make_reply(Status::ok, multipart_body(boundary, parts),
                             "multipart/mixed; boundary=" + std::string(boundary));
}

asio::awaitable<Reply> diag_error(Call&) {
  co_return reply_json(Status::internal_server_error,
                       json::object{{"error", "This tool intentionally returns an error for testing"}});
}

asio::awaitable<Reply> diag_echo(Call& c) {
  json::object query_args;
  for (auto& [key, text] : query_pairs(c.in.query)) {
    json::value value = json::string(text);
    if (auto* existing = query_args.if_contains(key)) {  // repeated keys become an array
      if (!existing->is_array()) *existing = json::array{*existing};
      existing->as_array().push_back(std::move(value));
    } else {
      query_args[key] = std::move(value);
    }
  }
  json::value body = nullptr;
  const std::string& raw = c.in.request.body();
  if (!raw.empty()) {
    boost::system::error_code ec;
    body = json::parse(raw, ec);
    if (ec) body = json::string(raw);
  }
  // Only x-echo-* headers: credentials and everything else stay out of the reply.
  json::object headers;
  for (const auto& field : c.in.request) {
    std::string name = ascii_lower(field.name_string());
    if (name.starts_with("x-echo-")) headers[name] = std::string(field.value());
  }
  // Who the key said the caller is (as GET /whoami): proves which credential an upstream call carried.
  co_return reply_json(Status::ok, json::object{{"method", std::string(c.in.request.method_string())},
                                                {"query", std::move(query_args)},
                                                {"body", std::move(body)},
                                                {"headers", std::move(headers)},
                                                {"caller", caller_json(c.caller)}});
}

asio::awaitable<Reply> diag_slow(Call& c) {
  std::int64_t ms = 1000;
  if (!c.params.empty()) {
    auto [p, ec] = std::from_chars(c.params[0].data(), c.params[0].data() + c.params[0].size(), ms);
    if (ec != std::errc() || p != c.params[0].data() + c.params[0].size() || ms < 0 || ms > k_max_slow_ms)
      co_return reply_error(Status::bad_request, "wait time \"" + c.params[0] + "\" is not an integer from 0 to 30000",
                            "use /diagnostics/slow/300 or /diagnostics/slow?ms=300");
  } else {
    auto given = int_param(c, "ms", 1000, 0, k_max_slow_ms);
    if (!given) co_return reply_error(given.error());
    ms = *given;
  }
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, std::chrono::milliseconds(ms));
  co_await timer.async_wait(asio::use_awaitable);
  co_return reply_json(Status::ok, json::object{{"waited_ms", ms}});
}

asio::awaitable<Reply> diag_status(Call& c) {
  const std::string& text = c.params[0];
  unsigned code = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
  if (ec != std::errc() || p != text.data() + text.size() || code < 200 || code > 599)
    co_return reply_error(Status::bad_request, "status \"" + text + "\" is not a number from 200 to 599",
                          "use e.g. /diagnostics/status/503");
  const auto status = static_cast<Status>(code);
  if (code == 204 || code == 304) {  // these never carry a body
    Reply reply;
    reply.head.result(status);
    reply.head.version(11);
    co_return reply;
  }
  co_return reply_json(status, json::object{{"status", code}});
}

asio::awaitable<Reply> diag_large(Call& c) {
  auto bytes = int_param(c, "bytes", -1, 0, static_cast<std::int64_t>(k_max_large_bytes));
  if (!bytes) co_return reply_error(bytes.error());
  if (*bytes < 0)
    co_return reply_error(Status::bad_request, "query parameter \"bytes\" is required",
                          "use e.g. /diagnostics/large?bytes=1048576 (at most 52428800)");
  std::string body(static_cast<std::size_t>(*bytes), '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = (i % 64 == 63) ? '\n' : static_cast<char>('a' + i % 26);
  co_return http::text_reply(Status::ok, std::move(body));
}

}  // namespace mcpedge::demo::detail
