// Bearer checks on /mcp, /sse and /messages.
#include "oauth/bearer.hpp"

#include "base/ascii.hpp"
#include "crypto/encoding.hpp"
#include "http/server.hpp"
#include "identity/credential_strategy.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/session.hpp"
#include "mcp/wire.hpp"
#include "oauth/endpoint_support.hpp"
#include "oauth/tokens.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace mcpedge::oauth {

namespace asio = boost::asio;
using Clock = std::chrono::system_clock;

std::string user_key(std::string_view subject, std::string_view org) {
  std::string material = "user\n" + std::string(subject) + "\n" + std::string(org);
  return crypto::base64url_encode(crypto::sha256(material).substr(0, 12));
}

BearerAuthenticator::BearerAuthenticator(std::shared_ptr<const crypto::KeyRing> keys, ServerDescription server,
                                         const config::AuthConfig& auth, const RevocationList& revoked,
                                         store::Store& store, PersonalTokens& personal_tokens)
    : keys_(std::move(keys)),
      server_(std::move(server)),
      auth_(auth),
      revoked_(revoked),
      default_scope_(mcp::join_scopes(auth.scopes)),
      store_(store),
      personal_tokens_(personal_tokens) {}

// What tool calls send upstream for this user: the service credential with identity headers, or the
// user's own credential.
mcp::Caller BearerAuthenticator::caller_for(const identity::UpstreamGrant& who, std::string credential) const {
  mcp::Caller caller;
  caller.user = user_key(who.subject, who.org);
  if (auth_.credential.strategy == config::CredentialStrategy::service) {
    caller.credential = auth_.credential.service_credential;
    for (const auto& [name, value] : auth_.credential.identity_headers)
      caller.headers.emplace_back(name, identity::expand_identity(value, who));
  } else {
    caller.credential = std::move(credential);
    caller.bearer = auth_.credential.strategy == config::CredentialStrategy::idp_token ||
                    auth_.credential.strategy == config::CredentialStrategy::token_exchange;
  }
  return caller;
}

http::Reply BearerAuthenticator::unauthorized(std::optional<std::string> error, std::string description) const {
  http::Reply reply = mcp::refusal(http::Status::unauthorized, mcp::k_invalid_request, "Unauthorized: " + description);
  reply.head.set(http::Field::www_authenticate,
                 www_authenticate(server_, Challenge{std::move(error), std::move(description), default_scope_}));
  return reply;
}

http::Reply BearerAuthenticator::insufficient_scope(const std::vector<std::string>& needed) const {
  std::string scope = mcp::join_scopes(needed);
  std::string description = "this operation needs the scope " + scope + "; authorize again with it";
  http::Reply reply = mcp::refusal(http::Status::forbidden, mcp::k_invalid_request, "Forbidden: " + description);
  reply.head.set(http::Field::www_authenticate,
                 www_authenticate(server_, Challenge{std::string("insufficient_scope"), description, scope}));
  return reply;
}

Expected<AccessTokenCache::Found, http::Reply> BearerAuthenticator::open_cached(std::string_view bearer) const {
  const auto now = Clock::now();
  std::string key = AccessTokenCache::key_of(bearer);
  if (auto found = opened_.find(key, now)) return found;
  auto token = open_access_token(*keys_, bearer, server_.resource(), now);
  if (!token) {
    std::string why = token.error() == TokenError::expired          ? "the access token has expired; refresh it"
                      : token.error() == TokenError::wrong_audience ? "the access token was issued for another resource"
                                                                    : "the access token is not valid";
    return Unexpected{unauthorized("invalid_token", why)};
  }
  identity::UpstreamGrant who;
  who.subject = token->subject;
  who.org = token->org;
  auto entry = std::make_shared<AccessTokenCache::Entry>();
  entry->caller = caller_for(who, std::move(token->credential));
  entry->caller.scopes = mcp::split_scopes(token->scope);
  entry->expires_at = token->expires_at;
  entry->grant = std::move(token->grant);
  entry->usage_key = token->subject + "\n" + token->client_id;
  entry->subject = std::move(token->subject);
  entry->client_id = std::move(token->client_id);
  AccessTokenCache::Found found = std::move(entry);
  opened_.insert(std::move(key), found, now);
  return found;
}

boost::asio::awaitable<Expected<mcp::Caller, http::Reply>> BearerAuthenticator::authenticate(http::Incoming& in) const {
  const http::Request& request = in.request;
  std::string_view authorization = http::header(request, http::Field::authorization);
  std::string bearer;
  if (authorization.size() > 7 && ascii_lower(authorization.substr(0, 7)) == "bearer ") {
    bearer = std::string(authorization.substr(7));
    while (!bearer.empty() && bearer.front() == ' ') bearer.erase(0, 1);
  } else if (!authorization.empty()) {
    co_return Unexpected{unauthorized("invalid_request", "send the token as Authorization: Bearer <token>")};
  }
  std::string_view api_key = http::header(request, "X-API-Key");

  if (bearer.rfind(k_access_token_prefix, 0) == 0) {
    auto opened = open_cached(bearer);
    if (!opened) co_return Unexpected{std::move(opened.error())};
    const AccessTokenCache::Entry& token = **opened;
    if (!token.grant.empty() && revoked_.contains(token.grant))
      co_return Unexpected{unauthorized("invalid_token", "the access token has been revoked; sign in again")};
    if (!token.client_id.empty() && usage_.due(token.usage_key)) {
      // "Last used" on the connect page; off the request's path.
      auto now = detail::unix_seconds(Clock::now());
      auto touch = store_.touch_consent(token.subject, token.client_id, now);
      asio::co_spawn(in.worker.executor(), record_use(std::move(touch), "client " + token.client_id), asio::detached);
    }
    co_return token.caller;
  }
  if (bearer.rfind(k_personal_token_prefix, 0) == 0) {
    auto grant = co_await personal_tokens_.resolve(in.worker.client(), bearer);
    if (!grant) {
      switch (grant.error()) {
        case PersonalTokenError::unavailable: {
          http::Reply busy = mcp::refusal(http::Status::service_unavailable, mcp::k_internal_error,
                                          "the token store is unavailable; try again shortly");
          busy.head.set(http::Field::retry_after, "5");
          co_return Unexpected{std::move(busy)};
        }
        case PersonalTokenError::expired:
          co_return Unexpected{
              unauthorized("invalid_token", "the personal access token has expired; create a new one")};
        case PersonalTokenError::unknown:
          break;
      }
      co_return Unexpected{unauthorized("invalid_token", "the personal access token is not valid or was revoked")};
    }
    co_return caller_for(*grant, grant->credential);
  }
  std::string presented = !bearer.empty() ? bearer : std::string(api_key);
  if (presented.empty()) co_return Unexpected{unauthorized(std::nullopt, "sign in to use this server")};
  if (!auth_.api_key_passthrough)
    co_return Unexpected{unauthorized("invalid_token", "this server accepts only access tokens it issued; sign in")};
  mcp::Caller caller;
  caller.credential = std::move(presented);
  caller.user = mcp::user_key_for(caller.credential);
  co_return caller;
}

}  // namespace mcpedge::oauth
