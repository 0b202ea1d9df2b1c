// The four credential strategies.
#include "identity/credential_strategy.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace mcpedge::identity {

namespace json = boost::json;
namespace asio = boost::asio;
using Clock = std::chrono::system_clock;

namespace {

std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Placeholders inside the strings of a JSON body; a string that is exactly "{expires_at}" becomes a
// number, and one that is exactly a placeholder with no value (a user without organisation) null.
void expand_json(json::value& value, const UpstreamGrant& who, std::int64_t expires_at) {
  if (value.is_string()) {
    const auto& text = value.as_string();
    if (text == "{expires_at}") {
      value = expires_at;
      return;
    }
    if ((text == "{org}" && who.org.empty()) || (text == "{email}" && who.email.empty()) ||
        (text == "{name}" && who.name.empty())) {
      value = nullptr;
      return;
    }
    value = expand_identity(value.as_string(), who, expires_at);
  } else if (value.is_array()) {
    for (auto& item : value.as_array()) expand_json(item, who, expires_at);
  } else if (value.is_object()) {
    for (auto& [key, item] : value.as_object()) expand_json(item, who, expires_at);
  }
}

// The value at a dotted path ("data.api_key_token") of a JSON reply.
std::string at_path(const json::value& root, std::string_view path) {
  const json::value* at = &root;
  while (!path.empty()) {
    auto dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (!at->is_object()) return {};
    at = at->as_object().if_contains(key);
    if (!at) return {};
  }
  return at->is_string() ? std::string(at->as_string()) : std::string();
}

asio::awaitable<Expected<UpstreamGrant, IdpError>> mint(http::HttpClient& client, const config::MintConfig& mint,
                                                        UpstreamGrant grant) {
  auto expires_at = Clock::now() + mint.ttl;
  std::int64_t expires_unix = std::chrono::duration_cast<std::chrono::seconds>(expires_at.time_since_epoch()).count();
  http::OutboundRequest request;
  request.method = mint.method;
  UpstreamGrant encoded = grant;  // values placed in the URL are percent-encoded
  for (auto* field : {&encoded.subject, &encoded.org, &encoded.name, &encoded.email})
    *field = boost::urls::encode(*field, boost::urls::unreserved_chars);
  request.url = expand_identity(mint.url, encoded, expires_unix);
  for (const auto& [name, value] : mint.headers) request.headers.emplace_back(name, expand_identity(value, grant));
  if (!mint.body.empty()) {
    json::value body = json::parse(mint.body);
    expand_json(body, grant, expires_unix);
    request.body = json::serialize(body);
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.headers.emplace_back("Accept", "application/json");
  auto reply = co_await client.fetch(std::move(request));
  if (!reply)
    co_return Unexpected{
        IdpError{"temporarily_unavailable", "minting the user's API key failed: " + reply.error().message}};
  if (reply->status < 200 || reply->status >= 300)
    co_return Unexpected{IdpError{"server_error", "minting the user's API key failed: HTTP " +
                                                      std::to_string(reply->status) + ": " +
                                                      reply->body.substr(0, 200)}};
  boost::system::error_code ec;
  json::value answer = json::parse(reply->body, ec);
  std::string key = ec ? std::string() : at_path(answer, mint.token_field);
  if (key.empty())
    co_return Unexpected{IdpError{"server_error", "the key-minting reply has no string at \"" + mint.token_field +
                                                      "\" (credential.mint.token_field)"}};
  grant.credential = std::move(key);
  grant.expires_at = expires_at;
  co_return grant;
}

asio::awaitable<Expected<UpstreamGrant, IdpError>> exchange(UpstreamIdp& idp, http::HttpClient& client,
                                                            const config::TokenExchangeConfig& config,
                                                            UpstreamGrant grant, std::string subject_token) {
  auto exchanged = co_await idp.exchange_token(client, std::move(subject_token), config);
  if (!exchanged) co_return Unexpected{exchanged.error()};
  grant.credential = exchanged->access_token;
  grant.expires_at = exchanged->expires_at;
  co_return grant;
}

}  // namespace

std::string expand_identity(std::string_view text, const UpstreamGrant& who, std::int64_t expires_at) {
  // One pass: a value put in is never read again, so a name such as "{email}" stays a name.
  const std::string expiry = std::to_string(expires_at);
  const std::pair<std::string_view, const std::string*> placeholders[] = {
      {"{subject}", &who.subject},
      {"{org}", &who.org},
      {"{name}", &who.name},
      {"{email}", &who.email},
      {"{expires_at}", expires_at ? &expiry : nullptr}};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '{') {
      for (const auto& [name, value] : placeholders) {
        if (value && text.substr(i, name.size()) == name) {
          out += *value;
          i += name.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

std::string UpstreamGrant::to_json() const {
  json::object o{{"credential", credential}, {"idp_refresh_token", idp_refresh_token},
                 {"subject", subject},       {"name", name},
                 {"email", email},           {"org", org}};
  if (expires_at)
    o["expires_at"] = std::chrono::duration_cast<std::chrono::seconds>(expires_at->time_since_epoch()).count();
  return json::serialize(o);
}

std::optional<UpstreamGrant> UpstreamGrant::from_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  UpstreamGrant grant{text_of(o, "credential"), std::nullopt,       text_of(o, "idp_refresh_token"),
                      text_of(o, "subject"),    text_of(o, "name"), text_of(o, "email"),
                      text_of(o, "org")};
  if (const auto* e = o.if_contains("expires_at"); e && e->is_int64())
    grant.expires_at = Clock::time_point(std::chrono::seconds(e->as_int64()));
  return grant;
}

asio::awaitable<Expected<UpstreamGrant, IdpError>> obtain_grant(UpstreamIdp& idp, http::HttpClient& client,
                                                                const config::CredentialConfig& strategy,
                                                                Identity identity, std::string org, IdpTokens tokens) {
  UpstreamGrant grant;
  grant.subject = identity.subject;
  grant.name = identity.name;
  grant.email = identity.email;
  grant.org = std::move(org);
  grant.idp_refresh_token = tokens.refresh_token;
  switch (strategy.strategy) {
    case config::CredentialStrategy::idp_token:
      grant.credential = tokens.access_token;
      grant.expires_at = tokens.expires_at;
      co_return grant;
    case config::CredentialStrategy::mint:
      co_return co_await mint(client, strategy.mint, std::move(grant));
    case config::CredentialStrategy::token_exchange:
      co_return co_await exchange(idp, client, strategy.token_exchange, std::move(grant), tokens.access_token);
    case config::CredentialStrategy::service:
      co_return grant;
  }
  co_return grant;
}

asio::awaitable<Expected<UpstreamGrant, IdpError>> renew_grant(UpstreamIdp& idp, http::HttpClient& client,
                                                               const config::CredentialConfig& strategy,
                                                               UpstreamGrant current) {
  switch (strategy.strategy) {
    case config::CredentialStrategy::service:
      co_return current;
    case config::CredentialStrategy::mint:
      co_return co_await mint(client, strategy.mint, std::move(current));
    case config::CredentialStrategy::idp_token:
    case config::CredentialStrategy::token_exchange:
      break;
  }
  if (current.idp_refresh_token.empty())
    co_return Unexpected{IdpError{"invalid_grant",
                                  "the upstream sign-in has expired and the IdP gave no refresh "
                                  "token; sign in again"}};
  auto refreshed = co_await idp.refresh(client, current.idp_refresh_token);
  if (!refreshed) co_return Unexpected{refreshed.error()};
  if (!refreshed->refresh_token.empty()) current.idp_refresh_token = refreshed->refresh_token;
  if (strategy.strategy == config::CredentialStrategy::token_exchange)
    co_return co_await exchange(idp, client, strategy.token_exchange, std::move(current), refreshed->access_token);
  current.credential = refreshed->access_token;
  current.expires_at = refreshed->expires_at;
  co_return current;
}

}  // namespace mcpedge::identity
