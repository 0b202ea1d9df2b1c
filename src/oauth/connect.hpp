// The /connect page's endpoints: first-party sign-in through the upstream IdP, the page itself, personal
// access tokens (create, revoke), connected clients (revoke), sign-out, and the page's assets.
#pragma once

#include "config/config.hpp"
#include "crypto/key_ring.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "oauth/authorization_server.hpp"
#include "oauth/metadata.hpp"
#include "oauth/personal_tokens.hpp"
#include "oauth/upstream_grants.hpp"
#include "store/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>

namespace mcpedge::oauth {

struct ConnectParts {
  std::shared_ptr<const crypto::KeyRing> keys;
  const config::Config& config;
  ServerDescription server;
  store::Store& store;
  AuthorizationServer& authorization;
  PersonalTokens& tokens;
  UpstreamGrants& grants;
};

class ConnectPage {
 public:
  // Registers itself as the authorization server's first-party sign-in handler.
  explicit ConnectPage(ConnectParts parts);

  void mount(http::Router& router);

  boost::asio::awaitable<http::Reply> show(http::Incoming& in);
  boost::asio::awaitable<http::Reply> sign_in(http::Incoming& in);
  boost::asio::awaitable<http::Reply> signed_in(http::Incoming& in, SignIn result);
  boost::asio::awaitable<http::Reply> create_token(http::Incoming& in);
  boost::asio::awaitable<http::Reply> revoke_token(http::Incoming& in);
  boost::asio::awaitable<http::Reply> revoke_client(http::Incoming& in);
  boost::asio::awaitable<http::Reply> sign_out(http::Incoming& in);

 private:
  struct Session {
    std::string id;
    std::string subject;
    std::string name;
    std::string org;
    std::string csrf;
  };
  using Form = std::vector<std::pair<std::string, std::string>>;

  std::optional<Session> session(const http::Request& request) const;
  // The signed-in session of a form POST whose CSRF token and Origin check out; else the refusal.
  Expected<std::pair<Session, Form>, http::Reply> posted(const http::Incoming& in) const;
  http::Reply page(http::Status status, std::string html) const;
  http::Reply see_other(std::string location) const;
  http::Reply error_page(http::Status status, std::string why) const;
  std::chrono::seconds session_ttl() const;

  ConnectParts p_;
};

}  // namespace mcpedge::oauth
