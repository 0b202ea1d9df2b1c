// Personal access tokens: for clients without OAuth. Created on the connect page and shown once, stored
// as a hash, each with its own upstream grant (pat:<id>), revocable by its owner, optionally expiring.
#pragma once

#include "http/client.hpp"
#include "identity/credential_strategy.hpp"
#include "oauth/upstream_grants.hpp"
#include "oauth/usage.hpp"
#include "store/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::oauth {

inline constexpr std::string_view k_personal_token_prefix = "mcppat_";

struct CreatedToken {
  std::string token;  // the secret, returned once and never stored
  store::PersonalAccessToken record;
};

enum class PersonalTokenError {
  unknown,      // no such token (never issued, or revoked)
  expired,      // past its expiry, or its upstream credential expired and could not be renewed
  unavailable,  // the store cannot be read
};

class PersonalTokens {
 public:
  PersonalTokens(store::Store& store, UpstreamGrants& grants);

  // A token for the grant's user; the grant is kept under pat:<id> for as long as the token lives.
  boost::asio::awaitable<store::Result<CreatedToken>> create(
      std::string name, std::optional<std::chrono::system_clock::time_point> expires, identity::UpstreamGrant grant);
  // The upstream grant behind a presented token (renewed when close to its expiry); records the use.
  boost::asio::awaitable<Expected<identity::UpstreamGrant, PersonalTokenError>> resolve(http::HttpClient& client,
                                                                                        std::string token);
  boost::asio::awaitable<store::Result<std::vector<store::PersonalAccessToken>>> list(std::string subject);
  // Deletes the token and its upstream credential if it belongs to `subject`; false otherwise.
  boost::asio::awaitable<store::Result<bool>> revoke(std::string id, std::string subject);

 private:
  store::Store& store_;
  UpstreamGrants& grants_;
  UsageThrottle usage_;
};

}  // namespace mcpedge::oauth
