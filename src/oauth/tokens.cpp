// Token sealing: compact JSON payloads in purpose-bound AEAD boxes, with a recognisable prefix.
#include "oauth/tokens.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace mcpedge::oauth {

namespace json = boost::json;

namespace {

std::int64_t seconds(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
Clock::time_point from_seconds(std::int64_t s) { return Clock::time_point(std::chrono::seconds(s)); }

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

TokenError from_open_error(crypto::OpenError e) {
  switch (e) {
    case crypto::OpenError::expired:
      return TokenError::expired;
    case crypto::OpenError::malformed:
      return TokenError::malformed;
    default:
      return TokenError::forged;
  }
}

std::string seal_with(const crypto::KeyRing& keys, crypto::Purpose purpose, std::string_view prefix,
                      const json::object& payload, Clock::time_point expires_at) {
  return std::string(prefix) + crypto::seal(keys, purpose, json::serialize(payload), expires_at);
}

Expected<json::object, TokenError> open_with(const crypto::KeyRing& keys, crypto::Purpose purpose,
                                             std::string_view prefix, std::string_view sealed, Clock::time_point now) {
  if (!sealed.starts_with(prefix)) return Unexpected{TokenError::malformed};
  auto opened = crypto::open(keys, purpose, sealed.substr(prefix.size()), now);
  if (!opened) return Unexpected{from_open_error(opened.error())};
  boost::system::error_code ec;
  json::value payload = json::parse(*opened, ec);
  if (ec || !payload.is_object()) return Unexpected{TokenError::malformed};
  return std::move(payload.as_object());
}

}  // namespace

const char* to_string(TokenError error) {
  switch (error) {
    case TokenError::malformed:
      return "malformed";
    case TokenError::forged:
      return "not issued by this server";
    case TokenError::expired:
      return "expired";
    case TokenError::wrong_audience:
      return "issued for another resource";
  }
  return "invalid";
}

std::string seal_access_token(const crypto::KeyRing& keys, const AccessToken& t) {
  json::object p{{"aud", t.audience},  {"sub", t.subject},     {"org", t.org},     {"scope", t.scope},
                 {"cid", t.client_id}, {"cred", t.credential}, {"grant", t.grant}, {"exp", seconds(t.expires_at)}};
  return seal_with(keys, crypto::Purpose::access_token, k_access_token_prefix, p, t.expires_at);
}

Expected<AccessToken, TokenError> open_access_token(const crypto::KeyRing& keys, std::string_view sealed,
                                                    std::string_view audience, Clock::time_point now) {
  auto p = open_with(keys, crypto::Purpose::access_token, k_access_token_prefix, sealed, now);
  if (!p) return Unexpected{p.error()};
  AccessToken t{text(*p, "aud"), text(*p, "sub"),  text(*p, "org"),   text(*p, "scope"),
                text(*p, "cid"), text(*p, "cred"), text(*p, "grant"), from_seconds(number(*p, "exp"))};
  if (t.audience != audience) return Unexpected{TokenError::wrong_audience};
  return t;
}

std::string seal_refresh_token(const crypto::KeyRing& keys, const RefreshTokenClaims& t) {
  json::object p{{"fam", t.family_id},
                 {"gen", t.generation},
                 {"scope", t.scope},
                 {"iat", seconds(t.issued_at)},
                 {"exp", seconds(t.expires_at)}};
  return seal_with(keys, crypto::Purpose::refresh_token, k_refresh_prefix, p, t.expires_at);
}

Expected<RefreshTokenClaims, TokenError> open_refresh_token(const crypto::KeyRing& keys, std::string_view sealed,
                                                            Clock::time_point now) {
  auto p = open_with(keys, crypto::Purpose::refresh_token, k_refresh_prefix, sealed, now);
  if (!p) return Unexpected{p.error()};
  RefreshTokenClaims t{text(*p, "fam"), number(*p, "gen"), text(*p, "scope"), from_seconds(number(*p, "iat")),
                       from_seconds(number(*p, "exp"))};
  if (t.family_id.empty() || t.generation < 1) return Unexpected{TokenError::malformed};
  return t;
}

std::string seal_authorization_code(const crypto::KeyRing& keys, const AuthorizationCode& c) {
  json::object p{{"cid", c.client_id},
                 {"ru", c.redirect_uri},
                 {"cc", c.code_challenge},
                 {"res", c.resource},
                 {"scope", c.scope},
                 {"sub", c.subject},
                 {"org", c.org},
                 {"cref", c.credential_ref},
                 {"id", c.id},
                 {"exp", seconds(c.expires_at)}};
  return seal_with(keys, crypto::Purpose::authorization_code, k_code_prefix, p, c.expires_at);
}

Expected<AuthorizationCode, TokenError> open_authorization_code(const crypto::KeyRing& keys, std::string_view sealed,
                                                                Clock::time_point now) {
  auto p = open_with(keys, crypto::Purpose::authorization_code, k_code_prefix, sealed, now);
  if (!p) return Unexpected{p.error()};
  return AuthorizationCode{
      text(*p, "cid"), text(*p, "ru"),  text(*p, "cc"),   text(*p, "res"), text(*p, "scope"),
      text(*p, "sub"), text(*p, "org"), text(*p, "cref"), text(*p, "id"),  from_seconds(number(*p, "exp"))};
}

std::string seal_pending_authorization(const crypto::KeyRing& keys, const PendingAuthorization& a) {
  json::object p{{"cid", a.client_id},          {"ru", a.redirect_uri},    {"st", a.client_state},
                 {"cc", a.code_challenge},      {"res", a.resource},       {"scope", a.scope},
                 {"uv", a.upstream_verifier},   {"bb", a.browser_binding}, {"nonce", a.nonce},
                 {"exp", seconds(a.expires_at)}};
  if (!a.consented_subject.empty()) p["csub"] = a.consented_subject;
  return seal_with(keys, crypto::Purpose::upstream_state, "", p, a.expires_at);
}

Expected<PendingAuthorization, TokenError> open_pending_authorization(const crypto::KeyRing& keys,
                                                                      std::string_view sealed, Clock::time_point now) {
  auto p = open_with(keys, crypto::Purpose::upstream_state, "", sealed, now);
  if (!p) return Unexpected{p.error()};
  return PendingAuthorization{
      text(*p, "cid"),   text(*p, "ru"), text(*p, "st"), text(*p, "cc"),    text(*p, "res"),
      text(*p, "scope"), text(*p, "uv"), text(*p, "bb"), text(*p, "nonce"), from_seconds(number(*p, "exp")),
      text(*p, "csub")};
}

}  // namespace mcpedge::oauth
