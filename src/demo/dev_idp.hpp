// A development-only OAuth 2.0 identity provider (OIDC discovery, code + PKCE, userinfo, introspection) for the demo.
#pragma once

#include "crypto/key_ring.hpp"
#include "http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mcpedge::demo {

namespace detail {

// Hashes of redeemed authorization codes until they would have expired anyway.
class UsedCodes {
 public:
  // False if `code` was redeemed before (RFC 6749 §4.1.2: a code is single-use).
  bool first_use(std::string_view code, std::chrono::system_clock::time_point expires_at,
                 std::chrono::system_clock::time_point now);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::chrono::system_clock::time_point> seen_;  // SHA-256 → expiry
};

}  // namespace detail

struct DevIdpOptions {
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  std::string issuer;  // origin + k_prefix, e.g. "http://127.0.0.1:8080/dev-idp"
  std::string client_id;
  std::string client_secret;                              // the one client allowed
  std::vector<std::pair<std::string, std::string>> orgs;  // (id, name) offered on the sign-in page
  std::chrono::seconds access_token_ttl{3600};
  Clock clock;  // empty: the system clock; tests pass a fake one to reach expiry without sleeping
};

// DEVELOPMENT ONLY: anyone who can reach the sign-in page becomes whoever they type. It speaks
// enough OAuth 2.0 that mcpedge's generic upstream-IdP code drives it like a real IdP: discovery,
// authorization code with PKCE S256 and RFC 9207 `iss`, client_secret_basic/post, refresh tokens,
// userinfo and RFC 7662 introspection. Identity comes from userinfo (or introspection); no id_token
// is issued, so there is no JWKS. Codes and tokens are sealed boxes (crypto::Purpose::dev_idp):
// nothing is stored, any replica with the key ring verifies them; only the used-code set lives in
// memory, so replaying a code on another replica is not caught.
class DevIdentityProvider {
 public:
  DevIdentityProvider(std::shared_ptr<const crypto::KeyRing> keys, DevIdpOptions options);

  static constexpr std::string_view k_prefix = "/dev-idp";
  // RFC 8414 §3.1 puts an issuer-with-path's metadata here (well-known part first); handle()
  // answers it too, for an app that routes it.
  static constexpr std::string_view k_rfc8414_metadata_path = "/.well-known/oauth-authorization-server/dev-idp";

  // Every path under k_prefix (relative): /.well-known/openid-configuration,
  // /.well-known/oauth-authorization-server, /authorize (GET page, POST form), /token, /userinfo,
  // /introspect, and "/" (a page saying what this is). Safe to call from any number of event loops.
  boost::asio::awaitable<http::Reply> handle(http::Incoming& in);

 private:
  std::shared_ptr<const crypto::KeyRing> keys_;
  DevIdpOptions options_;
  detail::UsedCodes used_codes_;
};

}  // namespace mcpedge::demo
