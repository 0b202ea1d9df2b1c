// Credential strategies: what tool calls send upstream for a signed-in user, obtained at sign-in and
// renewed server-side (idp_token, mint, token_exchange, service; docs/configuration.md).
#pragma once

#include "base/expected.hpp"
#include "config/config.hpp"
#include "http/client.hpp"
#include "identity/upstream_idp.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace mcpedge::identity {

// One grant's upstream side, kept in the store sealed (Purpose::at_rest); never shown to MCP clients.
struct UpstreamGrant {
  std::string credential;  // what tools send (IdP access token, minted API key, exchanged token); empty: service
  std::optional<std::chrono::system_clock::time_point> expires_at;  // none: does not expire
  std::string idp_refresh_token;                                    // renews idp_token and token_exchange credentials
  std::string subject;
  std::string name;
  std::string email;
  std::string org;

  std::string to_json() const;
  static std::optional<UpstreamGrant> from_json(std::string_view text);
};

// Replaces {subject}, {org}, {name}, {email} (and {expires_at}) in `text`.
std::string expand_identity(std::string_view text, const UpstreamGrant& who, std::int64_t expires_at = 0);

boost::asio::awaitable<Expected<UpstreamGrant, IdpError>> obtain_grant(UpstreamIdp& idp, http::HttpClient& client,
                                                                       const config::CredentialConfig& strategy,
                                                                       Identity identity, std::string org,
                                                                       IdpTokens tokens);

// A fresh credential for `current` (IdP refresh, re-exchange, re-mint); service grants come back as they are.
boost::asio::awaitable<Expected<UpstreamGrant, IdpError>> renew_grant(UpstreamIdp& idp, http::HttpClient& client,
                                                                      const config::CredentialConfig& strategy,
                                                                      UpstreamGrant current);

}  // namespace mcpedge::identity
