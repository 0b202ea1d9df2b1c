// What the development IdP's endpoint files share: parameters, OAuth replies, sealed payloads, the grant.
#pragma once

#include "base/expected.hpp"
#include "demo/api_support.hpp"
#include "demo/dev_idp.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpedge::demo::detail {

using Clock = std::chrono::system_clock;

// What every endpoint needs; `now` is read once per request.
struct IdpContext {
  const crypto::KeyRing& keys;
  const DevIdpOptions& options;
  UsedCodes& used_codes;
  Clock::time_point now;
};

// A query string or an application/x-www-form-urlencoded body.
class OAuthParams {
 public:
  explicit OAuthParams(string_view encoded) : pairs_(query_pairs(encoded)) {}

  // The first value; empty when absent.
  std::string get(string_view name) const {
    for (const auto& [key, value] : pairs_)
      if (key == name) return value;
    return {};
  }
  bool has(string_view name) const {
    return std::any_of(pairs_.begin(), pairs_.end(), [name](const auto& p) { return p.first == name; });
  }
  std::vector<std::string> all(string_view name) const {
    std::vector<std::string> values;
    for (const auto& [key, value] : pairs_)
      if (key == name) values.push_back(value);
    return values;
  }

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

// JSON with Cache-Control: no-store (RFC 6749 §5.1: token-bearing and identity replies).
Reply no_store_json(Status status, const json::object& body);
// RFC 6749 §5.2: {"error", "error_description"}.
Reply oauth_error(Status status, string_view error, string_view description);

// Every code and token is a JSON object sealed for Purpose::dev_idp with its `type` ("request",
// "code", "access", "refresh"), so one kind never passes for another, and `exp` (Unix seconds).
std::string seal_payload(const IdpContext& ctx, string_view type, json::object payload, Clock::time_point expires_at);
// The payload, or why not: "expired" or "not issued here".
Expected<json::object, std::string> open_payload(const IdpContext& ctx, string_view type, string_view sealed);
// A string member, or "" when absent.
std::string member_text(const json::object& o, string_view key);

// Who signed in, for which client and scope: what codes and tokens carry.
struct Grant {
  std::string sub;
  std::string name;
  json::array orgs;  // [{id, name}]
  std::string client_id;
  std::string scope;

  json::object payload() const;
  static Grant from(const json::object& payload);
};

std::string trim(string_view text);
// The space-separated tokens of a `scope` parameter (RFC 6749 §3.3), empty ones skipped.
std::vector<string_view> scope_tokens(string_view scope);
// RFC 7636 §4.1: between `min` and `max` unreserved characters.
bool is_pkce_value(string_view value, std::size_t min, std::size_t max);

// The back channel (dev_idp_tokens.cpp): client-authenticated or bearer-authenticated JSON endpoints.
Reply token_endpoint(const IdpContext& ctx, const http::Request& req);
Reply userinfo_endpoint(const IdpContext& ctx, const http::Request& req);
Reply introspection_endpoint(const IdpContext& ctx, const http::Request& req);

}  // namespace mcpedge::demo::detail
