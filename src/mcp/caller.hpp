// Who is calling: what authentication of an MCP request yields, and the interface that performs it.
#pragma once

#include "base/expected.hpp"
#include "http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpedge::mcp {

struct Caller {
  std::string credential;                                    // what tool calls send upstream; may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // identity headers sent upstream with it
  bool bearer = false;  // the credential is an OAuth access token: always `Authorization: Bearer`, whatever its shape
  std::string user;     // stable key that binds sessions and streams to this user; empty when anonymous
  // The scopes granted by an OAuth token; nullopt when the credential carries no scopes (an API key),
  // in which case tools are not gated by scope.
  std::optional<std::vector<std::string>> scopes;
};

// OAuth's space-delimited scope lists (RFC 6749 §3.3): words in order, repeats and extra spaces dropped.
std::vector<std::string> split_scopes(std::string_view text);
std::string join_scopes(const std::vector<std::string>& scopes);

// Whether `granted` covers `needed`: equal, or a broader scope of the hierarchy ("workflows" covers
// "workflows:write"; 2026-07-28 authorization#step-up-authorization-flow).
bool scope_covers(std::string_view granted, std::string_view needed);
// The scopes of `needed` that no scope of `granted` covers.
std::vector<std::string> missing_scopes(const std::vector<std::string>& granted,
                                        const std::vector<std::string>& needed);

// Authenticates every MCP request (POST, GET and DELETE /mcp, /sse, /messages) before it is processed.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The caller, or the reply that refuses the request (401 with its challenge).
  // `in` gives the request and the worker whose HTTP client may renew an upstream credential.
  virtual boost::asio::awaitable<Expected<Caller, http::Reply>> authenticate(http::Incoming& in) const = 0;
  // 403 insufficient_scope naming every scope the operation needs.
  virtual http::Reply insufficient_scope(const std::vector<std::string>& needed) const = 0;
};

// No authorization server: the request's own credential (Authorization: Bearer or X-API-Key) passes
// through to the upstream API; with `required`, a request without one gets 401.
class PassThroughAuthenticator final : public Authenticator {
 public:
  explicit PassThroughAuthenticator(bool required) : required_(required) {}
  boost::asio::awaitable<Expected<Caller, http::Reply>> authenticate(http::Incoming& in) const override;
  http::Reply insufficient_scope(const std::vector<std::string>& needed) const override;

 private:
  bool required_;
};

}  // namespace mcpedge::mcp
