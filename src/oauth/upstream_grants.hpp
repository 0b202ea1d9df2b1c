// Upstream grants at rest: sealed in the store under their key (a grant id, or pat:<id> for a personal
// access token), opened and renewed shortly before they expire. Shared by /token and the resource server.
#pragma once

#include "base/expected.hpp"
#include "config/config.hpp"
#include "crypto/key_ring.hpp"
#include "http/client.hpp"
#include "identity/credential_strategy.hpp"
#include "identity/upstream_idp.hpp"
#include "store/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace mcpedge::oauth {

enum class GrantLoadError {
  unavailable,  // the store cannot be read
  gone,         // no such grant (revoked, pruned) or not readable with this key ring
  expired,      // expired, and renewing it at the IdP or the API failed
};

class UpstreamGrants {
 public:
  UpstreamGrants(std::shared_ptr<const crypto::KeyRing> keys, store::Store& store, identity::UpstreamIdp& idp,
                 const config::CredentialConfig& strategy);

  // Seals and stores `grant`; the entry (and the seal) last until `keep_until`.
  boost::asio::awaitable<store::Result<store::Done>> save(std::string key, identity::UpstreamGrant grant,
                                                          std::chrono::system_clock::time_point keep_until);
  // The grant, renewed first when it expires within a minute (the renewal is stored).
  boost::asio::awaitable<Expected<identity::UpstreamGrant, GrantLoadError>> load(http::HttpClient& client,
                                                                                 std::string key);
  // The same for an entry the caller already read from the store (none: nothing stored under its key).
  boost::asio::awaitable<Expected<identity::UpstreamGrant, GrantLoadError>> open(
      http::HttpClient& client, std::optional<store::UpstreamCredential> stored);
  // A new grant for the same user (IdP refresh, re-mint, re-exchange), as at sign-in.
  boost::asio::awaitable<Expected<identity::UpstreamGrant, identity::IdpError>> obtain(http::HttpClient& client,
                                                                                       identity::Identity who,
                                                                                       std::string org,
                                                                                       identity::IdpTokens tokens);

 private:
  std::shared_ptr<const crypto::KeyRing> keys_;
  store::Store& store_;
  identity::UpstreamIdp& idp_;
  const config::CredentialConfig& strategy_;
};

}  // namespace mcpedge::oauth
