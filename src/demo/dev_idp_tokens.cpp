// The development IdP's back channel: the token endpoint (code + PKCE, refresh), userinfo and introspection.
#include "base/ascii.hpp"
#include "crypto/encoding.hpp"
#include "demo/dev_idp_support.hpp"

#include <optional>

namespace mcpedge::demo::detail {

namespace {

constexpr std::chrono::seconds k_refresh_ttl{30 * 24 * 3600};

Reply invalid_client(string_view description) {
  Reply reply = oauth_error(Status::unauthorized, "invalid_client", description);
  reply.head.set(http::Field::www_authenticate, "Basic realm=\"dev-idp\"");
  return reply;
}

// True when every scope in `requested` is among `granted`.
bool within_scope(string_view granted, string_view requested) {
  const std::vector<string_view> allowed = scope_tokens(granted);
  for (string_view scope : scope_tokens(requested))
    if (std::find(allowed.begin(), allowed.end(), scope) == allowed.end()) return false;
  return true;
}

// --- Client authentication (RFC 6749 §2.3.1) ------------------------------------------------------

// nullopt when the request authenticates the configured client; otherwise the error reply.
std::optional<Reply> authenticate_client(const IdpContext& ctx, const http::Request& req, const OAuthParams& form) {
  const string_view auth = http::header(req, http::Field::authorization);
  std::string id, secret;
  if (auth.size() > 6 && ascii_lower(auth.substr(0, 6)) == "basic ") {
    if (form.has("client_secret"))
      return oauth_error(Status::bad_request, "invalid_request",
                         "use one client authentication method: Basic or client_secret in the body, not both");
    const auto decoded = crypto::base64_decode(trim(auth.substr(6)));
    const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos)
      return invalid_client("the Authorization header is not Basic base64(client_id \":\" client_secret)");
    // The two halves are form-urlencoded before base64 (RFC 6749 §2.3.1).
    id = percent_decode(string_view(*decoded).substr(0, colon), true);
    secret = percent_decode(string_view(*decoded).substr(colon + 1), true);
    if (form.has("client_id") && form.get("client_id") != id)
      return invalid_client("client_id in the body differs from the one in the Authorization header");
  } else if (form.has("client_secret")) {
    id = form.get("client_id");
    secret = form.get("client_secret");
  } else {
    return invalid_client("client authentication is required: client_secret_basic or client_secret_post");
  }
  if (!crypto::constant_time_equal(id, ctx.options.client_id) ||
      !crypto::constant_time_equal(secret, ctx.options.client_secret))
    return invalid_client("unknown client_id or wrong client_secret");
  return std::nullopt;
}

// --- Grants ---------------------------------------------------------------------------------------

// RFC 6749 §5.1, with a fresh refresh token each time (rotation).
Reply issue_tokens(const IdpContext& ctx, const Grant& grant) {
  const std::string access = seal_payload(ctx, "access", grant.payload(), ctx.now + ctx.options.access_token_ttl);
  const std::string refresh = seal_payload(ctx, "refresh", grant.payload(), ctx.now + k_refresh_ttl);
  return no_store_json(Status::ok, json::object{{"access_token", access},
                                                {"token_type", "Bearer"},
                                                {"expires_in", ctx.options.access_token_ttl.count()},
                                                {"refresh_token", refresh},
                                                {"scope", grant.scope}});
}

Reply code_grant(const IdpContext& ctx, const OAuthParams& form) {
  for (string_view name : {"code", "redirect_uri", "code_verifier"})
    if (form.get(name).empty())
      return oauth_error(Status::bad_request, "invalid_request", std::string(name) + " is required");
  const std::string code = form.get("code");
  auto opened = open_payload(ctx, "code", code);
  if (!opened)
    return oauth_error(Status::bad_request, "invalid_grant",
                       "the authorization code is " + opened.error() + " (codes live 60 seconds)");
  const Grant grant = Grant::from(*opened);
  if (grant.client_id != ctx.options.client_id)
    return oauth_error(Status::bad_request, "invalid_grant", "the code was issued to another client");
  // RFC 6749 §4.1.3: the same redirect_uri as in the authorization request.
  if (form.get("redirect_uri") != member_text(*opened, "redirect_uri"))
    return oauth_error(Status::bad_request, "invalid_grant", "redirect_uri differs from the authorization request's");
  const std::string verifier = form.get("code_verifier");
  if (!is_pkce_value(verifier, 43, 128))
    return oauth_error(Status::bad_request, "invalid_request", "code_verifier must be 43 to 128 unreserved characters");
  // RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge.
  if (!crypto::constant_time_equal(crypto::base64url_encode(crypto::sha256(verifier)),
                                   member_text(*opened, "code_challenge")))
    return oauth_error(Status::bad_request, "invalid_grant", "code_verifier does not match the code_challenge");
  const auto expires_at = Clock::time_point(std::chrono::seconds(opened->at("exp").to_number<std::int64_t>()));
  if (!ctx.used_codes.first_use(code, expires_at, ctx.now))
    return oauth_error(Status::bad_request, "invalid_grant", "the authorization code was already used");
  return issue_tokens(ctx, grant);
}

Reply refresh_grant(const IdpContext& ctx, const OAuthParams& form) {
  const std::string token = form.get("refresh_token");
  if (token.empty()) return oauth_error(Status::bad_request, "invalid_request", "refresh_token is required");
  auto opened = open_payload(ctx, "refresh", token);
  if (!opened) return oauth_error(Status::bad_request, "invalid_grant", "the refresh token is " + opened.error());
  Grant grant = Grant::from(*opened);
  if (grant.client_id != ctx.options.client_id)
    return oauth_error(Status::bad_request, "invalid_grant", "the refresh token was issued to another client");
  // RFC 6749 §6: a narrower scope may be asked for, never a wider one.
  if (const std::string scope = form.get("scope"); !scope.empty()) {
    if (!within_scope(grant.scope, scope))
      return oauth_error(Status::bad_request, "invalid_scope",
                         "scope may only narrow the granted \"" + grant.scope + "\"");
    grant.scope = scope;
  }
  return issue_tokens(ctx, grant);
}

// RFC 6750 §3: a challenge naming what is wrong with the token.
Reply invalid_token(string_view description) {
  Reply reply = oauth_error(Status::unauthorized, "invalid_token", description);
  reply.head.set(http::Field::www_authenticate,
                 "Bearer error=\"invalid_token\", error_description=\"" + std::string(description) + "\"");
  return reply;
}

}  // namespace

Reply token_endpoint(const IdpContext& ctx, const http::Request& req) {
  const OAuthParams form(req.body());
  if (auto failed = authenticate_client(ctx, req, form)) return std::move(*failed);
  const std::string grant_type = form.get("grant_type");
  if (grant_type == "authorization_code") return code_grant(ctx, form);
  if (grant_type == "refresh_token") return refresh_grant(ctx, form);
  if (grant_type.empty()) return oauth_error(Status::bad_request, "invalid_request", "grant_type is required");
  return oauth_error(Status::bad_request, "unsupported_grant_type",
                     "grant_type \"" + grant_type + "\" is not supported; use authorization_code or refresh_token");
}

Reply userinfo_endpoint(const IdpContext& ctx, const http::Request& req) {
  const string_view auth = http::header(req, http::Field::authorization);
  if (auth.size() <= 7 || ascii_lower(auth.substr(0, 7)) != "bearer ") {
    Reply reply = oauth_error(Status::unauthorized, "invalid_request", "send Authorization: Bearer <access token>");
    reply.head.set(http::Field::www_authenticate, "Bearer realm=\"dev-idp\"");  // RFC 6750 §3.1: no error code
    return reply;
  }
  auto opened = open_payload(ctx, "access", trim(auth.substr(7)));
  if (!opened) return invalid_token("the access token is " + opened.error());
  const Grant grant = Grant::from(*opened);
  return no_store_json(Status::ok, json::object{{"sub", grant.sub}, {"name", grant.name}, {"orgs", grant.orgs}});
}

// RFC 7662. Only access tokens are active: refresh tokens are for the token endpoint alone.
Reply introspection_endpoint(const IdpContext& ctx, const http::Request& req) {
  const OAuthParams form(req.body());
  if (auto failed = authenticate_client(ctx, req, form)) return std::move(*failed);
  const std::string token = form.get("token");
  if (token.empty()) return oauth_error(Status::bad_request, "invalid_request", "token is required");
  auto opened = open_payload(ctx, "access", token);
  if (!opened) return no_store_json(Status::ok, json::object{{"active", false}});
  const Grant grant = Grant::from(*opened);
  return no_store_json(Status::ok, json::object{{"active", true},
                                                {"sub", grant.sub},
                                                {"name", grant.name},
                                                {"orgs", grant.orgs},
                                                {"client_id", grant.client_id},
                                                {"scope", grant.scope},
                                                {"exp", opened->at("exp")},
                                                {"iss", ctx.options.issuer},
                                                {"token_type", "Bearer"}});
}

}  // namespace mcpedge::demo::detail
