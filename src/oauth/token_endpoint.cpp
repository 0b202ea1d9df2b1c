// /token (authorization_code with PKCE, refresh_token with rotation) and /revoke (RFC 7009).
#include "oauth/authorization_server.hpp"
#include "oauth/endpoint_support.hpp"

#include "base/ascii.hpp"
#include "crypto/encoding.hpp"
#include "crypto/sealed_box.hpp"
#include "http/server.hpp"
#include "identity/pkce.hpp"

#include <boost/json.hpp>
#include <boost/url/decode_view.hpp>

#include <spdlog/spdlog.h>

namespace mcpedge::oauth {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::system_clock;
using namespace detail;

namespace {

http::Reply token_error(const OAuthError& e) { return oauth_error(e.status, e.error, e.description); }

http::Reply store_unavailable() {
  return oauth_error(http::Status::service_unavailable, "temporarily_unavailable", "store unavailable");
}

// Why a grant's upstream credential cannot be used, as the token endpoint answers it.
http::Reply grant_error(GrantLoadError error) {
  switch (error) {
    case GrantLoadError::unavailable:
      return store_unavailable();
    case GrantLoadError::expired:
      return oauth_error(http::Status::bad_request, "invalid_grant",
                         "the upstream sign-in has expired and could not be renewed; sign in again");
    case GrantLoadError::gone:
      break;
  }
  return oauth_error(http::Status::bad_request, "invalid_grant", "this grant no longer exists; sign in again");
}

// What a presented refresh token says of itself: a sealed token its family, generation, scopes and
// times; a random one from before tokens were sealed only its hash, which the store looks up.
Expected<store::RefreshTokenRecord, TokenError> presented_refresh_token(const crypto::KeyRing& keys,
                                                                        std::string_view presented) {
  store::RefreshTokenRecord record;
  if (presented.size() == k_random_refresh_token_size && presented.starts_with(k_refresh_prefix)) {
    record.token_hash = hash(presented);
    return record;
  }
  auto claims = open_refresh_token(keys, presented);
  if (!claims) return Unexpected{claims.error()};
  record.family_id = std::move(claims->family_id);
  record.generation = claims->generation;
  record.scopes = std::move(claims->scope);
  record.issued_at = unix_seconds(claims->issued_at);
  record.expires_at = unix_seconds(claims->expires_at);
  return record;
}

std::string sealed_refresh_token(const crypto::KeyRing& keys, const store::RefreshTokenRecord& record) {
  return seal_refresh_token(keys, RefreshTokenClaims{record.family_id, record.generation, record.scopes,
                                                     Clock::time_point(std::chrono::seconds(record.issued_at)),
                                                     Clock::time_point(std::chrono::seconds(record.expires_at))});
}

std::string percent_decoded(std::string_view text) {
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  auto view = boost::urls::make_pct_string_view(text);
  if (!view) return std::string(text);
  return view->decode(opts);
}

}  // namespace

asio::awaitable<Expected<RegisteredClient, OAuthError>> AuthorizationServer::authenticate_client(http::Incoming& in,
                                                                                                 const Params& form) {
  OAuthError invalid{http::Status::unauthorized, "invalid_client", ""};
  std::string client_id = param(form, "client_id").value_or("");
  std::optional<std::string> secret = param(form, "client_secret");
  std::string_view authorization = http::header(in.request, http::Field::authorization);
  bool basic = authorization.size() > 6 && ascii_lower(authorization.substr(0, 6)) == "basic ";
  if (basic) {
    if (secret) {
      invalid = {http::Status::bad_request, "invalid_request", "use one client authentication method, not two"};
      co_return Unexpected{invalid};
    }
    auto decoded = crypto::base64_decode(authorization.substr(6));
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      invalid.description = "malformed Basic credentials";
      co_return Unexpected{invalid};
    }
    std::string basic_id = percent_decoded(decoded->substr(0, colon));
    if (!client_id.empty() && client_id != basic_id) {
      invalid = {http::Status::bad_request, "invalid_request", "client_id differs from the Basic credentials"};
      co_return Unexpected{invalid};
    }
    client_id = basic_id;
    secret = percent_decoded(decoded->substr(colon + 1));
  }
  if (client_id.empty()) {
    invalid.description = "no client_id: send it in the form (public clients) or authenticate with Basic";
    co_return Unexpected{invalid};
  }
  auto client = co_await resolve_client(in, client_id);
  if (!client) {
    invalid.description = client.error().error_description;
    co_return Unexpected{invalid};
  }
  if (client->confidential()) {
    if (!secret || !check_secret(*p_.keys, *client, *secret)) {
      invalid.description = secret ? "the client secret is wrong" : "this client must authenticate with its secret";
      co_return Unexpected{invalid};
    }
  }
  co_return *client;
}

asio::awaitable<http::Reply> AuthorizationServer::token(http::Incoming& in) {
  std::string_view type = http::header(in.request, http::Field::content_type);
  if (ascii_lower(type).rfind("application/x-www-form-urlencoded", 0) != 0)
    co_return oauth_error(http::Status::bad_request, "invalid_request",
                          "send the parameters as application/x-www-form-urlencoded (RFC 6749 §4.1.3)");
  auto form = http::form_params(in.request.body());
  if (!form) co_return oauth_error(http::Status::bad_request, "invalid_request", "the form body is malformed");
  if (auto twice = repeated(*form))
    co_return oauth_error(http::Status::bad_request, "invalid_request", "the parameter " + *twice + " appears twice");
  std::string grant_type = param(*form, "grant_type").value_or("");
  if (grant_type.empty()) co_return oauth_error(http::Status::bad_request, "invalid_request", "grant_type is required");
  if (grant_type != "authorization_code" && grant_type != "refresh_token")
    co_return oauth_error(http::Status::bad_request, "unsupported_grant_type",
                          "grant_type must be authorization_code or refresh_token");
  auto client = co_await authenticate_client(in, *form);
  if (!client) co_return token_error(client.error());
  if (grant_type == "authorization_code") co_return co_await token_for_code(in, std::move(*client), std::move(*form));
  co_return co_await token_for_refresh(in, std::move(*client), std::move(*form));
}

asio::awaitable<http::Reply> AuthorizationServer::token_for_code(http::Incoming& in, RegisteredClient client,
                                                                 Params form) {
  std::string sealed = param(form, "code").value_or("");
  if (sealed.empty()) co_return oauth_error(http::Status::bad_request, "invalid_request", "code is required");
  auto code = open_authorization_code(*p_.keys, sealed);
  if (!code)
    co_return oauth_error(http::Status::bad_request, "invalid_grant",
                          code.error() == TokenError::expired ? "the authorization code has expired"
                                                              : "the authorization code is not valid");
  if (code->client_id != client.client_id)
    co_return oauth_error(http::Status::bad_request, "invalid_grant", "the code was issued to another client");
  if (auto redirect = param(form, "redirect_uri"); redirect && *redirect != code->redirect_uri)
    co_return oauth_error(http::Status::bad_request, "invalid_grant",
                          "redirect_uri differs from the one of the authorization request");
  auto verifier = param(form, "code_verifier");
  if (!verifier)
    co_return oauth_error(http::Status::bad_request, "invalid_request", "code_verifier is required (PKCE)");
  if (!identity::verify_s256(*verifier, code->code_challenge))
    co_return oauth_error(http::Status::bad_request, "invalid_grant",
                          "code_verifier does not match the code_challenge");
  if (auto resource = param(form, "resource");
      resource && *resource != code->resource && *resource != p_.server.issuer && *resource != code->resource + "/")
    co_return oauth_error(http::Status::bad_request, "invalid_target", "resource must be " + code->resource);
  auto now = Clock::now();
  std::string code_key = "code:" + hash(code->id);
  auto fresh = co_await p_.store.mark_code_used(code_key, unix_seconds(code->expires_at), unix_seconds(now));
  if (!fresh) co_return oauth_error(http::Status::service_unavailable, "temporarily_unavailable", "store unavailable");
  if (!*fresh) {
    spdlog::warn("authorization code replayed by client {}: revoking grant", client.client_name);
    co_await revoke_grant(code->credential_ref);
    co_return oauth_error(http::Status::bad_request, "invalid_grant",
                          "the authorization code was already used; the tokens issued with it are revoked");
  }
  store::RefreshTokenRecord family;
  family.family_id = code->credential_ref;
  family.subject = code->subject;
  family.client_id = client.client_id;
  if (!code->org.empty()) family.org = code->org;
  family.scopes = code->scope;
  auto grant = co_await p_.grants.load(in.worker.client(), family.family_id);
  if (!grant) co_return grant_error(grant.error());
  auto issued = co_await issue_tokens(client, std::move(family), code->resource, true, std::move(*grant));
  if (!issued) co_return token_error(issued.error());
  co_return token_reply(json::serialize(*issued));
}

asio::awaitable<http::Reply> AuthorizationServer::token_for_refresh(http::Incoming& in, RegisteredClient client,
                                                                    Params form) {
  std::string presented = param(form, "refresh_token").value_or("");
  if (presented.empty())
    co_return oauth_error(http::Status::bad_request, "invalid_request", "refresh_token is required");
  // Checked before the store is asked, so that a request refused for its resource never rotates.
  if (auto resource = param(form, "resource"); resource && *resource != p_.server.resource() &&
                                               *resource != p_.server.resource() + "/" && *resource != p_.server.issuer)
    co_return oauth_error(http::Status::bad_request, "invalid_target", "resource must be " + p_.server.resource());

  // A token that does not open is refused before the store is asked; an expired one changes nothing.
  auto opened = presented_refresh_token(*p_.keys, presented);
  if (!opened)
    co_return oauth_error(http::Status::bad_request, "invalid_grant",
                          opened.error() == TokenError::expired ? "the refresh token has expired; sign in again"
                                                                : "the refresh token is not valid");
  // One store operation (each one waits for a commit): the client and scope checks, the rotation
  // and the grant's upstream credential, in one transaction.
  auto now = Clock::now();
  store::RefreshRequest request;
  request.presented = std::move(*opened);
  request.client_id = client.client_id;
  request.scopes = param(form, "scope");
  request.next_expires_at = unix_seconds(now + p_.config.auth.refresh_token_ttl);
  auto refresh = co_await p_.store.redeem_refresh_token(std::move(request), unix_seconds(now));
  if (!refresh) co_return store_unavailable();
  const auto outcome = refresh->outcome;
  if (outcome == store::RotationOutcome::unknown)
    co_return oauth_error(http::Status::bad_request, "invalid_grant", "the refresh token is not valid");
  const store::RefreshTokenRecord& current = *refresh->presented;
  if (outcome == store::RotationOutcome::wrong_client)
    co_return oauth_error(http::Status::bad_request, "invalid_grant", "the refresh token was issued to another client");
  if (outcome == store::RotationOutcome::scope_not_granted) {
    // Named: the scope returned is a view into it.
    std::string asked = param(form, "scope").value_or("");
    auto ungranted = store::first_ungranted_scope(current.scopes, asked);
    co_return oauth_error(
        http::Status::bad_request, "invalid_scope",
        "scope " + std::string(ungranted.value_or("")) + " was not granted; ask for a subset of: " + current.scopes);
  }
  // Also holds grants whose revocation this replica could not record in the store (revoke_grant).
  if (p_.revoked.contains(current.family_id))
    co_return oauth_error(http::Status::bad_request, "invalid_grant", "the grant has been revoked; sign in again");
  switch (outcome) {
    case store::RotationOutcome::rotated:
    case store::RotationOutcome::rotated_in_grace:
      break;
    case store::RotationOutcome::reuse_detected:
      spdlog::warn("refresh token reused by client {}: revoking its grant", client.client_name);
      co_await revoke_grant(current.family_id);
      co_return oauth_error(http::Status::bad_request, "invalid_grant",
                            "the refresh token was already used; every token of this grant is revoked");
    case store::RotationOutcome::expired:
      co_return oauth_error(http::Status::bad_request, "invalid_grant", "the refresh token has expired; sign in again");
    case store::RotationOutcome::revoked:
      co_return oauth_error(http::Status::bad_request, "invalid_grant", "the grant has been revoked; sign in again");
    case store::RotationOutcome::unknown:
    case store::RotationOutcome::wrong_client:
    case store::RotationOutcome::scope_not_granted:
      co_return oauth_error(http::Status::bad_request, "invalid_grant", "the refresh token is not valid");
  }
  auto grant = co_await p_.grants.open(in.worker.client(), std::move(refresh->credential));
  if (!grant) co_return grant_error(grant.error());
  std::string next_token = sealed_refresh_token(*p_.keys, *refresh->issued);
  auto issued =
      co_await issue_tokens(client, std::move(*refresh->issued), p_.server.resource(), false, std::move(*grant));
  if (!issued) co_return token_error(issued.error());
  (*issued)["refresh_token"] = std::move(next_token);
  co_return token_reply(json::serialize(*issued));
}

asio::awaitable<Expected<json::object, OAuthError>> AuthorizationServer::issue_tokens(const RegisteredClient& client,
                                                                                      store::RefreshTokenRecord family,
                                                                                      std::string resource, bool first,
                                                                                      identity::UpstreamGrant grant) {
  auto now = Clock::now();
  auto expires = now + p_.config.auth.access_token_ttl;
  if (grant.expires_at && *grant.expires_at < expires) expires = *grant.expires_at;  // never beyond upstream's
  AccessToken access;
  access.audience = resource;
  access.subject = family.subject;
  access.org = family.org.value_or("");
  access.scope = family.scopes;
  access.client_id = client.client_id;
  access.credential = std::move(grant.credential);
  access.grant = family.family_id;
  access.expires_at = expires;
  json::object body{{"access_token", seal_access_token(*p_.keys, access)},
                    {"token_type", "Bearer"},
                    {"expires_in", std::max<std::int64_t>(1, unix_seconds(expires) - unix_seconds(now))},
                    {"scope", family.scopes}};
  bool refresh = client.refresh_token_grant || client.kind == ClientKind::metadata_document;
  if (first && refresh) {
    family.generation = 1;
    family.issued_at = unix_seconds(now);
    family.expires_at = unix_seconds(now + p_.config.auth.refresh_token_ttl);
    auto issued = co_await p_.store.issue_refresh_token(family);
    if (!issued)
      co_return Unexpected{
          OAuthError{http::Status::service_unavailable, "temporarily_unavailable", "store unavailable"}};
    body["refresh_token"] = sealed_refresh_token(*p_.keys, family);
  }
  co_return body;
}

asio::awaitable<void> AuthorizationServer::revoke_grant(std::string grant_id) {
  p_.revoked.add(grant_id);
  auto until = Clock::now() + std::max(p_.config.auth.access_token_ttl, p_.config.auth.refresh_token_ttl);
  auto listed = co_await p_.store.revoke(store::RevocationKind::grant, grant_id, unix_seconds(until));
  auto family = co_await p_.store.revoke_refresh_family(grant_id);
  auto removed = co_await p_.store.remove_upstream_credential(grant_id);
  if (!listed || !family || !removed) spdlog::error("store: revoking grant failed; it is refused by this replica only");
}

asio::awaitable<void> AuthorizationServer::refresh_revocations() {
  const auto now = unix_seconds(Clock::now());
  auto grants = co_await p_.store.list_revoked(store::RevocationKind::grant, now);
  if (grants) p_.revoked.merge(*grants);
  auto clients = co_await p_.store.list_revoked(store::RevocationKind::client, now);
  if (clients) p_.revoked_clients.merge(*clients);
  if (!grants || !clients) spdlog::warn("{}", (grants ? clients.error() : grants.error()).message);
}

asio::awaitable<http::Reply> AuthorizationServer::revoke(http::Incoming& in) {
  auto form = http::form_params(in.request.body());
  if (!form) co_return oauth_error(http::Status::bad_request, "invalid_request", "the form body is malformed");
  std::string token = param(*form, "token").value_or("");
  if (token.empty()) co_return oauth_error(http::Status::bad_request, "invalid_request", "token is required");
  auto client = co_await authenticate_client(in, *form);
  if (!client) co_return token_error(client.error());
  std::string grant;
  if (token.rfind(k_access_token_prefix, 0) == 0) {
    auto access = open_access_token(*p_.keys, token, p_.server.resource());
    if (access && access->client_id == client->client_id) grant = access->grant;
  } else if (auto presented = presented_refresh_token(*p_.keys, token)) {
    auto found = co_await p_.store.find_refresh_token(std::move(*presented));
    if (found && *found && (*found)->record.client_id == client->client_id) grant = (*found)->record.family_id;
  }
  if (!grant.empty()) {
    spdlog::info("client {} revoked a grant", client->client_name);
    co_await revoke_grant(grant);
  }
  // RFC 7009 §2.2: 200 whether or not the token was valid.
  http::Reply reply = no_store(http::make_reply(http::Status::ok, "", "text/plain"));
  open_cors(reply);
  co_return reply;
}

}  // namespace mcpedge::oauth
