// The authorization server's endpoints: discovery documents, registration, /authorize, the consent
// page, the upstream IdP's callback, the organisation picker, /token and /revoke.
#pragma once

#include "config/config.hpp"
#include "crypto/key_ring.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "identity/credential_strategy.hpp"
#include "identity/upstream_idp.hpp"
#include "oauth/cimd.hpp"
#include "oauth/clients.hpp"
#include "oauth/metadata.hpp"
#include "oauth/revocation_list.hpp"
#include "oauth/tokens.hpp"
#include "oauth/upstream_grants.hpp"
#include "store/store.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <string>

namespace mcpedge::oauth {

// An OAuth error answer (RFC 6749 §5.2): the code and a description that says what to fix.
struct OAuthError {
  http::Status status = http::Status::bad_request;
  std::string error;
  std::string description;
};

struct AuthorizationServerParts {
  std::shared_ptr<const crypto::KeyRing> keys;
  const config::Config& config;
  ServerDescription server;
  store::Store& store;
  identity::UpstreamIdp& idp;
  RevocationList& revoked;          // grants
  RevocationList& revoked_clients;  // registered (mcpc_) clients
  CimdCache& cimd;
  UpstreamGrants& grants;
  std::string product;  // shown on the pages
};

// A first-party sign-in (the /connect page): the IdP leg alone, with no OAuth client and no consent.
struct SignIn {
  identity::Identity who;
  std::string org;
  identity::IdpTokens tokens;
};
// A sign-in as JSON, where it rides along sealed (the organisation picker's form, the connect page's
// stored sign-in): subject, name, email, org and the IdP's tokens; the list of orgs travels apart.
boost::json::object to_json(const SignIn& sign_in);
SignIn sign_in_from_json(const boost::json::object& object);

using SignInHandler = std::function<boost::asio::awaitable<http::Reply>(http::Incoming&, SignIn)>;

class AuthorizationServer {
 public:
  explicit AuthorizationServer(AuthorizationServerParts parts);

  // Routes every endpoint of the authorization server and the resource server's metadata.
  void mount(http::Router& router);

  boost::asio::awaitable<http::Reply> register_client(http::Incoming& in);
  boost::asio::awaitable<http::Reply> authorize(http::Incoming& in);
  boost::asio::awaitable<http::Reply> consent(http::Incoming& in);
  boost::asio::awaitable<http::Reply> callback(http::Incoming& in);
  boost::asio::awaitable<http::Reply> choose_org(http::Incoming& in);
  boost::asio::awaitable<http::Reply> token(http::Incoming& in);
  boost::asio::awaitable<http::Reply> revoke(http::Incoming& in);

  // Sends the browser to the IdP; the callback hands the result to the handler set by on_sign_in.
  // Errors go back to `return_path` as ?error=…&error_description=….
  boost::asio::awaitable<http::Reply> sign_in(http::Incoming& in, std::string return_path);
  void on_sign_in(SignInHandler handler) { sign_in_handler_ = std::move(handler); }

  // Revokes every grant of the user for the client, and forgets the consent: its access tokens are
  // refused from the next request on (other replicas: within the revocation refresh period).
  boost::asio::awaitable<store::Result<std::int64_t>> revoke_client(std::string subject, std::string client_id);

  // Loads the grants and clients revoked elsewhere (other replicas) into the revocation lists.
  boost::asio::awaitable<void> refresh_revocations();

 private:
  boost::asio::awaitable<Expected<RegisteredClient, ClientError>> resolve_client(http::Incoming& in,
                                                                                 std::string client_id);
  boost::asio::awaitable<Expected<RegisteredClient, OAuthError>> authenticate_client(
      http::Incoming& in, const std::vector<std::pair<std::string, std::string>>& form);
  http::Reply consent_page(http::Incoming& in, const RegisteredClient& client, const PendingAuthorization& pending,
                           const std::string& signed_in_as);
  boost::asio::awaitable<http::Reply> start_upstream(http::Incoming& in, PendingAuthorization pending);
  boost::asio::awaitable<http::Reply> finish(http::Incoming& in, PendingAuthorization pending, identity::Identity who,
                                             std::string org, identity::IdpTokens tokens);
  boost::asio::awaitable<http::Reply> token_for_code(http::Incoming& in, RegisteredClient client,
                                                     std::vector<std::pair<std::string, std::string>> form);
  boost::asio::awaitable<http::Reply> token_for_refresh(http::Incoming& in, RegisteredClient client,
                                                        std::vector<std::pair<std::string, std::string>> form);
  // The token response's body: an access token carrying `grant` (+ the first refresh token of the
  // family when `first` and the client may refresh).
  boost::asio::awaitable<Expected<boost::json::object, OAuthError>> issue_tokens(const RegisteredClient& client,
                                                                                 store::RefreshTokenRecord family,
                                                                                 std::string resource, bool first,
                                                                                 identity::UpstreamGrant grant);
  boost::asio::awaitable<void> revoke_grant(std::string grant_id);
  http::Reply page(http::Status status, std::string html, std::string form_action = "'self'") const;
  http::Reply error_page(http::Status status, std::string error, std::string description) const;
  http::Reply redirect_to_client(const std::string& redirect_uri,
                                 std::vector<std::pair<std::string, std::string>> params,
                                 const std::string& state) const;

  AuthorizationServerParts p_;
  SignInHandler sign_in_handler_;
};

}  // namespace mcpedge::oauth
