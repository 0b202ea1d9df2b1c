// The company's identity provider as mcpedge's upstream: discovery, the internal PKCE leg, code
// exchange, refresh, RFC 8693 exchange, and who the user is (id_token, userinfo or RFC 7662).
#pragma once

#include "base/expected.hpp"
#include "config/config.hpp"
#include "http/client.hpp"
#include "identity/discovery.hpp"
#include "identity/jwks.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mcpedge::identity {

struct Org {
  std::string id;
  std::string name;
};

// Who signed in. `orgs` come from the configured org claim.
struct Identity {
  std::string subject;
  std::string name;
  std::string email;
  std::vector<Org> orgs;
};

// An IdP token response (RFC 6749 §5.1).
struct IdpTokens {
  std::string access_token;
  std::string refresh_token;
  std::string id_token;
  std::string scope;
  std::string issued_token_type;                                    // RFC 8693 responses
  std::optional<std::chrono::system_clock::time_point> expires_at;  // from expires_in
};

struct IdpError {
  std::string error;    // the OAuth error code the IdP answered, or "temporarily_unavailable", "server_error"
  std::string message;  // for the operator's log and the user's error page
};

// Reads orgs from a claim in any of the shapes IdPs use: [{id, name}], [id], {id: {name|org_name}}.
std::vector<Org> orgs_from_claim(const boost::json::value& claim);

class UpstreamIdp {
 public:
  // `redirect_uri` is mcpedge's own callback (issuer + /oauth/callback).
  UpstreamIdp(config::IdpConfig config, std::string redirect_uri);

  // Fetches and checks the IdP's metadata (and JWKS when identity comes from id_tokens) the first
  // time it is needed, and again after a failure; later calls answer from memory.
  boost::asio::awaitable<Expected<std::shared_ptr<const ProviderMetadata>, IdpError>> metadata(
      http::HttpClient& client);

  // The authorization request mcpedge sends the browser to (RFC 6749 §4.1.1 + RFC 7636 + nonce).
  std::string authorize_url(const ProviderMetadata& metadata, std::string_view state, std::string_view challenge,
                            std::string_view nonce) const;

  boost::asio::awaitable<Expected<IdpTokens, IdpError>> exchange_code(http::HttpClient& client, std::string code,
                                                                      std::string verifier);
  boost::asio::awaitable<Expected<IdpTokens, IdpError>> refresh(http::HttpClient& client, std::string refresh_token);
  // RFC 8693: trades the user's IdP access token for one meant for the API.
  boost::asio::awaitable<Expected<IdpTokens, IdpError>> exchange_token(http::HttpClient& client,
                                                                       std::string subject_token,
                                                                       config::TokenExchangeConfig exchange);
  // The user behind `tokens`, by the configured source; `nonce` is checked in an id_token.
  boost::asio::awaitable<Expected<Identity, IdpError>> identify(http::HttpClient& client, IdpTokens tokens,
                                                                std::string nonce);

  const config::IdpConfig& config() const { return config_; }
  // The metadata if discovery already succeeded; never fetches.
  std::shared_ptr<const ProviderMetadata> cached_metadata() const {
    std::lock_guard lock(mutex_);
    return metadata_;
  }

 private:
  boost::asio::awaitable<Expected<IdpTokens, IdpError>> token_request(
      http::HttpClient& client, std::string endpoint, std::vector<std::pair<std::string, std::string>> form);
  boost::asio::awaitable<Expected<boost::json::object, IdpError>> fetch_json(http::HttpClient& client,
                                                                             http::OutboundRequest request,
                                                                             std::string what);
  void authenticate_client(http::OutboundRequest& request,
                           std::vector<std::pair<std::string, std::string>>& form) const;
  Identity identity_from_claims(const boost::json::object& claims) const;

  config::IdpConfig config_;
  std::string redirect_uri_;
  mutable std::mutex mutex_;
  std::shared_ptr<const ProviderMetadata> metadata_;
  std::shared_ptr<const JwkSet> keys_;
};

// application/x-www-form-urlencoded body of name=value pairs.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace mcpedge::identity
