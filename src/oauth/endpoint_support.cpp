// The replies the authorization server's endpoints share.
#include "oauth/endpoint_support.hpp"

#include <boost/json.hpp>

namespace mcpedge::oauth::detail {

http::Reply no_store(http::Reply reply) {
  reply.head.set(http::Field::cache_control, "no-store");
  reply.head.set(http::Field::pragma, "no-cache");
  return reply;
}

void open_cors(http::Reply& reply) {
  reply.head.set(http::Field::access_control_allow_origin, "*");
  reply.head.set(http::Field::access_control_expose_headers, "WWW-Authenticate");
}

http::Reply oauth_error(http::Status status, std::string error, std::string description) {
  boost::json::object body{{"error", std::move(error)}};
  if (!description.empty()) body["error_description"] = std::move(description);
  http::Reply reply = no_store(http::json_reply(status, boost::json::serialize(body)));
  open_cors(reply);
  if (status == http::Status::unauthorized) reply.head.set(http::Field::www_authenticate, "Basic realm=\"mcpedge\"");
  return reply;
}

http::Reply token_reply(std::string body) {
  http::Reply reply = no_store(http::json_reply(http::Status::ok, std::move(body)));
  open_cors(reply);
  return reply;
}

http::Reply html_page(http::Status status, std::string html, std::string content_security_policy) {
  http::Reply reply = no_store(http::make_reply(status, std::move(html), "text/html; charset=utf-8"));
  reply.head.set("Content-Security-Policy", std::move(content_security_policy));
  reply.head.set("X-Frame-Options", "DENY");
  reply.head.set("X-Content-Type-Options", "nosniff");
  reply.head.set("Referrer-Policy", "same-origin");
  return reply;
}

std::string text_field(const boost::json::object& object, std::string_view key) {
  const auto* v = object.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string set_cookie(std::string_view name, std::string_view value, std::chrono::seconds max_age,
                       std::string_view same_site) {
  return std::string(name) + "=" + std::string(value) +
         "; Path=/; Secure; HttpOnly; SameSite=" + std::string(same_site) +
         "; Max-Age=" + std::to_string(max_age.count());
}

bool same_origin_post(const http::Request& request, std::string_view issuer) {
  std::string_view origin = http::header(request, http::Field::origin);
  return origin.empty() || origin == issuer ||
         (origin == "null" && http::header(request, "Sec-Fetch-Site") == "same-origin");
}

}  // namespace mcpedge::oauth::detail
