// Sealing, loading and renewing upstream grants.
#include "oauth/upstream_grants.hpp"

#include "crypto/sealed_box.hpp"
#include "oauth/endpoint_support.hpp"

#include <spdlog/spdlog.h>

namespace mcpedge::oauth {

namespace asio = boost::asio;
using Clock = std::chrono::system_clock;

namespace {
constexpr auto k_renew_margin = std::chrono::seconds(60);
}  // namespace

UpstreamGrants::UpstreamGrants(std::shared_ptr<const crypto::KeyRing> keys, store::Store& store,
                               identity::UpstreamIdp& idp, const config::CredentialConfig& strategy)
    : keys_(std::move(keys)), store_(store), idp_(idp), strategy_(strategy) {}

asio::awaitable<store::Result<store::Done>> UpstreamGrants::save(std::string key, identity::UpstreamGrant grant,
                                                                 Clock::time_point keep_until) {
  std::string sealed = crypto::seal(*keys_, crypto::Purpose::at_rest, grant.to_json(), keep_until);
  co_return co_await store_.put_upstream_credential(std::move(key), std::move(sealed),
                                                    detail::unix_seconds(keep_until));
}

asio::awaitable<Expected<identity::UpstreamGrant, GrantLoadError>> UpstreamGrants::load(http::HttpClient& client,
                                                                                        std::string key) {
  auto stored = co_await store_.get_upstream_credential(std::move(key));
  if (!stored) co_return Unexpected{GrantLoadError::unavailable};
  co_return co_await open(client, std::move(*stored));
}

asio::awaitable<Expected<identity::UpstreamGrant, GrantLoadError>> UpstreamGrants::open(
    http::HttpClient& client, std::optional<store::UpstreamCredential> stored) {
  if (!stored) co_return Unexpected{GrantLoadError::gone};
  auto opened = crypto::open(*keys_, crypto::Purpose::at_rest, stored->ciphertext);
  auto grant = opened ? identity::UpstreamGrant::from_json(*opened) : std::nullopt;
  if (!grant) co_return Unexpected{GrantLoadError::gone};
  auto now = Clock::now();
  if (grant->expires_at && *grant->expires_at <= now + k_renew_margin) {
    auto renewed = co_await identity::renew_grant(idp_, client, strategy_, *grant);
    if (!renewed) {
      spdlog::warn("renewing the upstream credential of {} failed: {}", grant->subject, renewed.error().message);
      if (*grant->expires_at <= now) co_return Unexpected{GrantLoadError::expired};
    } else {
      grant = std::move(*renewed);
      auto keep_until = Clock::time_point(std::chrono::seconds(stored->expires_at));
      co_await save(std::move(stored->key), *grant, keep_until);
    }
  }
  co_return std::move(*grant);
}

asio::awaitable<Expected<identity::UpstreamGrant, identity::IdpError>> UpstreamGrants::obtain(
    http::HttpClient& client, identity::Identity who, std::string org, identity::IdpTokens tokens) {
  co_return co_await identity::obtain_grant(idp_, client, strategy_, std::move(who), std::move(org), std::move(tokens));
}

}  // namespace mcpedge::oauth
