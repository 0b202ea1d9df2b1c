// Creating, resolving and revoking personal access tokens.
#include "oauth/personal_tokens.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "oauth/endpoint_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include <spdlog/spdlog.h>

namespace mcpedge::oauth {

namespace asio = boost::asio;
using Clock = std::chrono::system_clock;

namespace {

// A token that never expires keeps its upstream grant this long (the store prunes by expiry).
constexpr auto k_no_expiry_keep = std::chrono::hours(24 * 365 * 10);

// The store keeps the raw SHA-256 of the secret.
std::string token_hash(std::string_view token) { return crypto::sha256(token); }

std::string credential_key(std::string_view id) { return "pat:" + std::string(id); }

}  // namespace

PersonalTokens::PersonalTokens(store::Store& store, UpstreamGrants& grants) : store_(store), grants_(grants) {}

asio::awaitable<store::Result<CreatedToken>> PersonalTokens::create(std::string name,
                                                                    std::optional<Clock::time_point> expires,
                                                                    identity::UpstreamGrant grant) {
  auto now = Clock::now();
  CreatedToken created;
  created.token = std::string(k_personal_token_prefix) + crypto::random_token(32);
  created.record.id = crypto::random_token(9);
  created.record.token_hash = token_hash(created.token);
  created.record.subject = grant.subject;
  created.record.name = std::move(name);
  created.record.created_at = detail::unix_seconds(now);
  if (expires) created.record.expires_at = detail::unix_seconds(*expires);
  // The grant first: a token whose credential is missing would be listed but refused.
  auto saved = co_await grants_.save(credential_key(created.record.id), std::move(grant),
                                     expires.value_or(now + k_no_expiry_keep));
  if (!saved) co_return Unexpected{saved.error()};
  store::PersonalAccessToken record = created.record;
  auto stored = co_await store_.create_personal_token(std::move(record));
  if (!stored) {
    co_await store_.remove_upstream_credential(credential_key(created.record.id));
    co_return Unexpected{stored.error()};
  }
  spdlog::info("user {} created personal access token {} (\"{}\")", created.record.subject, created.record.id,
               created.record.name);
  co_return created;
}

asio::awaitable<Expected<identity::UpstreamGrant, PersonalTokenError>> PersonalTokens::resolve(http::HttpClient& client,
                                                                                               std::string token) {
  auto found = co_await store_.find_personal_token_by_hash(token_hash(token));
  if (!found) co_return Unexpected{PersonalTokenError::unavailable};
  if (!*found) co_return Unexpected{PersonalTokenError::unknown};
  const store::PersonalAccessToken& record = **found;
  auto now = Clock::now();
  if (record.expired_at(detail::unix_seconds(now))) co_return Unexpected{PersonalTokenError::expired};
  auto grant = co_await grants_.load(client, credential_key(record.id));
  if (!grant) {
    switch (grant.error()) {
      case GrantLoadError::unavailable:
        co_return Unexpected{PersonalTokenError::unavailable};
      case GrantLoadError::expired:
        co_return Unexpected{PersonalTokenError::expired};
      case GrantLoadError::gone:
        co_return Unexpected{PersonalTokenError::unknown};
    }
  }
  if (usage_.due("pat:" + record.id)) {
    auto executor = co_await asio::this_coro::executor;
    auto touch = store_.touch_personal_token(record.id, detail::unix_seconds(now));
    asio::co_spawn(executor, record_use(std::move(touch), "token " + record.id), asio::detached);
  }
  co_return std::move(*grant);
}

asio::awaitable<store::Result<std::vector<store::PersonalAccessToken>>> PersonalTokens::list(std::string subject) {
  co_return co_await store_.list_personal_tokens(std::move(subject));
}

asio::awaitable<store::Result<bool>> PersonalTokens::revoke(std::string id, std::string subject) {
  auto revoked = co_await store_.revoke_personal_token(id, std::move(subject));
  if (!revoked || !*revoked) co_return revoked;
  auto removed = co_await store_.remove_upstream_credential(credential_key(id));
  if (!removed)
    spdlog::error("store: removing the upstream credential of token {} failed: {}", id, removed.error().message);
  spdlog::info("personal access token {} revoked", id);
  co_return true;
}

}  // namespace mcpedge::oauth
