// Small pieces the authorization server's endpoint files share.
#pragma once

#include "crypto/encoding.hpp"
#include "http/message.hpp"
#include "mcp/caller.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpedge::oauth::detail {

using Params = std::vector<std::pair<std::string, std::string>>;

inline std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// What the store keeps of a secret or a one-time value: base64url(SHA-256).
inline std::string hash(std::string_view value) { return crypto::base64url_encode(crypto::sha256(value)); }

inline std::optional<std::string> param(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return std::nullopt;
}

// The name of a parameter sent twice; OAuth parameters may not repeat (RFC 6749 §3.1).
inline std::optional<std::string> repeated(const Params& params) {
  for (std::size_t i = 0; i < params.size(); ++i)
    for (std::size_t j = i + 1; j < params.size(); ++j)
      if (params[i].first == params[j].first) return params[i].first;
  return std::nullopt;
}

// Replies that carry tokens or OAuth errors are never cached (RFC 6749 §5.1).
http::Reply no_store(http::Reply reply);
// Endpoints without cookies may be called from any origin (browser-based MCP clients).
void open_cors(http::Reply& reply);
// RFC 6749 §5.2: {error, error_description}, no-store, open CORS, and a Basic challenge on 401.
http::Reply oauth_error(http::Status status, std::string error, std::string description);
// A 200 token response body (RFC 6749 §5.1).
http::Reply token_reply(std::string body);

// A server-rendered page: never cached, never framed, its CSP, and Referrer-Policy same-origin (under
// no-referrer browsers post the page's forms with `Origin: null`, which the CSRF checks would refuse).
http::Reply html_page(http::Status status, std::string html, std::string content_security_policy);
// The string at `key`, or "" when it is missing or not a string.
std::string text_field(const boost::json::object& object, std::string_view key);
// `__Host-` cookies: Secure, HttpOnly, Path=/; Max-Age 0 deletes.
std::string set_cookie(std::string_view name, std::string_view value, std::chrono::seconds max_age,
                       std::string_view same_site = "Lax");
// Whether a form POST came from one of this server's own pages: no Origin (older browsers), the
// issuer's, or `null` from a same-origin fetch.
bool same_origin_post(const http::Request& request, std::string_view issuer);

}  // namespace mcpedge::oauth::detail
