// The upstream IdP leg: discovery, token requests and identity (ARCHITECTURE.md, the sign-in flow).
#include "identity/upstream_idp.hpp"

#include "crypto/encoding.hpp"
#include "identity/jwt.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <spdlog/spdlog.h>

namespace mcpedge::identity {

namespace json = boost::json;
namespace asio = boost::asio;
using Form = std::vector<std::pair<std::string, std::string>>;

namespace {

std::string component(std::string_view value) { return boost::urls::encode(value, boost::urls::unreserved_chars); }

std::string string_claim(const json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (v && v->is_string()) return std::string(v->as_string());
  if (v && v->is_int64()) return std::to_string(v->as_int64());
  return {};
}

IdpError unavailable(std::string message) { return IdpError{"temporarily_unavailable", std::move(message)}; }

}  // namespace

std::string form_encode(const Form& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += component(name) + '=' + component(value);
  }
  return out;
}

std::vector<Org> orgs_from_claim(const json::value& claim) {
  std::vector<Org> orgs;
  auto name_of = [](const json::object& o) {
    for (const char* key : {"name", "org_name", "display_name"})
      if (const auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
    return std::string();
  };
  if (claim.is_array()) {
    for (const auto& item : claim.as_array()) {
      if (item.is_string()) {
        orgs.push_back({std::string(item.as_string()), std::string(item.as_string())});
      } else if (item.is_object()) {
        const auto& o = item.as_object();
        std::string id;
        for (const char* key : {"id", "org_id"})
          if (const auto* v = o.if_contains(key); v && v->is_string() && id.empty()) id = v->as_string();
        if (!id.empty()) orgs.push_back({id, name_of(o).empty() ? id : name_of(o)});
      }
    }
  } else if (claim.is_object()) {  // PropelAuth's org_id_to_org_info
    for (const auto& [id, info] : claim.as_object()) {
      std::string name = info.is_object() ? name_of(info.as_object()) : std::string();
      orgs.push_back({std::string(id), name.empty() ? std::string(id) : name});
    }
  }
  return orgs;
}

UpstreamIdp::UpstreamIdp(config::IdpConfig config, std::string redirect_uri)
    : config_(std::move(config)), redirect_uri_(std::move(redirect_uri)) {}

asio::awaitable<Expected<json::object, IdpError>> UpstreamIdp::fetch_json(http::HttpClient& client,
                                                                          http::OutboundRequest request,
                                                                          std::string what) {
  request.timeout = config_.timeout;
  request.connect_timeout = std::min(config_.timeout, std::chrono::milliseconds(5000));
  request.max_response_bytes = 256 * 1024;
  request.headers.emplace_back("Accept", "application/json");
  auto reply = co_await client.fetch(std::move(request));
  if (!reply) co_return Unexpected{unavailable(what + ": " + reply.error().message)};
  boost::system::error_code ec;
  json::value body = json::parse(reply->body, ec);
  if (ec || !body.is_object()) {
    co_return Unexpected{IdpError{
        "server_error", what + ": HTTP " + std::to_string(reply->status) + " with a body that is not a JSON object"}};
  }
  json::object& object = body.as_object();
  if (reply->status < 200 || reply->status >= 300) {
    std::string error = string_claim(object, "error");
    std::string description = string_claim(object, "error_description");
    co_return Unexpected{
        IdpError{error.empty() ? "server_error" : error, what + ": HTTP " + std::to_string(reply->status) +
                                                             (error.empty() ? "" : " " + error) +
                                                             (description.empty() ? "" : " (" + description + ")")}};
  }
  co_return std::move(object);
}

asio::awaitable<Expected<std::shared_ptr<const ProviderMetadata>, IdpError>> UpstreamIdp::metadata(
    http::HttpClient& client) {
  {
    std::lock_guard lock(mutex_);
    if (metadata_) co_return metadata_;
  }
  std::string url = config_.discovery_url;
  if (url.empty()) {
    auto built = openid_configuration_url(config_.issuer);
    if (!built) co_return Unexpected{IdpError{"server_error", built.error().message}};
    url = *built;
  }
  http::OutboundRequest request;
  request.url = url;
  std::string what = "IdP discovery " + url;
  auto document = co_await fetch_json(client, std::move(request), what);
  if (!document) co_return Unexpected{document.error()};
  DiscoveryExpectations expected;
  expected.issuer = config_.issuer;
  expected.need_jwks_uri = config_.identity == config::IdentitySource::id_token;
  expected.need_userinfo_endpoint = config_.identity == config::IdentitySource::userinfo;
  expected.need_introspection_endpoint = config_.identity == config::IdentitySource::introspection;
  auto parsed = parse_discovery(*document, expected);
  if (!parsed) co_return Unexpected{IdpError{"server_error", "IdP discovery " + url + ": " + parsed.error().message}};
  auto metadata = std::make_shared<const ProviderMetadata>(std::move(*parsed));
  std::shared_ptr<const JwkSet> keys;
  if (expected.need_jwks_uri) {
    http::OutboundRequest jwks_request;
    jwks_request.url = metadata->jwks_uri;
    std::string what_jwks = "IdP JWKS " + metadata->jwks_uri;
    auto jwks = co_await fetch_json(client, std::move(jwks_request), what_jwks);
    if (!jwks) co_return Unexpected{jwks.error()};
    auto set = parse_jwks(*jwks);
    if (!set) co_return Unexpected{IdpError{"server_error", "IdP JWKS: " + set.error().message}};
    for (const auto& skipped : set->skipped) spdlog::info("IdP JWKS: key {} skipped: {}", skipped.kid, skipped.reason);
    keys = std::make_shared<const JwkSet>(std::move(*set));
  }
  std::lock_guard lock(mutex_);
  metadata_ = metadata;
  keys_ = keys;
  co_return metadata;
}

std::string UpstreamIdp::authorize_url(const ProviderMetadata& metadata, std::string_view state,
                                       std::string_view challenge, std::string_view nonce) const {
  std::string scope;
  for (const auto& s : config_.scopes) scope += (scope.empty() ? "" : " ") + s;
  Form params{{"response_type", "code"},        {"client_id", config_.client_id},
              {"redirect_uri", redirect_uri_},  {"scope", scope},
              {"state", std::string(state)},    {"code_challenge", std::string(challenge)},
              {"code_challenge_method", "S256"}};
  if (config_.identity == config::IdentitySource::id_token) params.emplace_back("nonce", std::string(nonce));
  if (!config_.resource.empty()) params.emplace_back("resource", config_.resource);
  for (const auto& extra : config_.authorize_params) params.push_back(extra);
  const std::string& endpoint = metadata.authorization_endpoint;
  return endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") + form_encode(params);
}

void UpstreamIdp::authenticate_client(http::OutboundRequest& request, Form& form) const {
  if (config_.token_endpoint_auth == "client_secret_basic") {
    // RFC 6749 §2.3.1: both parts are form-encoded before base64.
    request.headers.emplace_back("Authorization", "Basic " + crypto::base64_encode(component(config_.client_id) + ":" +
                                                                                   component(config_.client_secret)));
  } else {
    form.emplace_back("client_id", config_.client_id);
    if (config_.token_endpoint_auth == "client_secret_post") form.emplace_back("client_secret", config_.client_secret);
  }
}

asio::awaitable<Expected<IdpTokens, IdpError>> UpstreamIdp::token_request(http::HttpClient& client,
                                                                          std::string endpoint, Form form) {
  http::OutboundRequest request;
  request.method = "POST";
  request.url = std::move(endpoint);
  for (const auto& extra : config_.token_params) form.push_back(extra);
  authenticate_client(request, form);
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.body = form_encode(form);
  auto answer = co_await fetch_json(client, std::move(request), "IdP token endpoint");
  if (!answer) co_return Unexpected{answer.error()};
  IdpTokens tokens;
  tokens.access_token = string_claim(*answer, "access_token");
  tokens.refresh_token = string_claim(*answer, "refresh_token");
  tokens.id_token = string_claim(*answer, "id_token");
  tokens.scope = string_claim(*answer, "scope");
  tokens.issued_token_type = string_claim(*answer, "issued_token_type");
  if (const auto* expires = answer->if_contains("expires_in"); expires && expires->is_number()) {
    boost::system::error_code ec;
    auto seconds = expires->to_number<std::int64_t>(ec);
    if (!ec && seconds > 0) tokens.expires_at = std::chrono::system_clock::now() + std::chrono::seconds(seconds);
  }
  if (tokens.access_token.empty())
    co_return Unexpected{IdpError{"server_error", "IdP token endpoint: the answer has no access_token"}};
  co_return tokens;
}

asio::awaitable<Expected<IdpTokens, IdpError>> UpstreamIdp::exchange_code(http::HttpClient& client, std::string code,
                                                                          std::string verifier) {
  auto metadata = co_await this->metadata(client);
  if (!metadata) co_return Unexpected{metadata.error()};
  Form form{{"grant_type", "authorization_code"},
            {"code", std::move(code)},
            {"redirect_uri", redirect_uri_},
            {"code_verifier", std::move(verifier)}};
  if (!config_.resource.empty()) form.emplace_back("resource", config_.resource);
  co_return co_await token_request(client, (*metadata)->token_endpoint, std::move(form));
}

asio::awaitable<Expected<IdpTokens, IdpError>> UpstreamIdp::refresh(http::HttpClient& client,
                                                                    std::string refresh_token) {
  auto metadata = co_await this->metadata(client);
  if (!metadata) co_return Unexpected{metadata.error()};
  Form form{{"grant_type", "refresh_token"}, {"refresh_token", std::move(refresh_token)}};
  if (!config_.resource.empty()) form.emplace_back("resource", config_.resource);
  auto tokens = co_await token_request(client, (*metadata)->token_endpoint, std::move(form));
  co_return tokens;
}

asio::awaitable<Expected<IdpTokens, IdpError>> UpstreamIdp::exchange_token(http::HttpClient& client,
                                                                           std::string subject_token,
                                                                           config::TokenExchangeConfig exchange) {
  auto metadata = co_await this->metadata(client);
  if (!metadata) co_return Unexpected{metadata.error()};
  Form form{{"grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"},
            {"subject_token", std::move(subject_token)},
            {"subject_token_type", "urn:ietf:params:oauth:token-type:access_token"},
            {"requested_token_type", exchange.requested_token_type}};
  if (!exchange.audience.empty()) form.emplace_back("audience", exchange.audience);
  if (!exchange.scope.empty()) form.emplace_back("scope", exchange.scope);
  if (!config_.resource.empty()) form.emplace_back("resource", config_.resource);
  std::string endpoint = exchange.endpoint.empty() ? (*metadata)->token_endpoint : exchange.endpoint;
  co_return co_await token_request(client, std::move(endpoint), std::move(form));
}

Identity UpstreamIdp::identity_from_claims(const json::object& claims) const {
  Identity identity;
  identity.subject = string_claim(claims, config_.subject_claim);
  identity.name = string_claim(claims, config_.name_claim);
  identity.email = string_claim(claims, "email");
  if (const auto* orgs = claims.if_contains(config_.org_claim)) identity.orgs = orgs_from_claim(*orgs);
  return identity;
}

asio::awaitable<Expected<Identity, IdpError>> UpstreamIdp::identify(http::HttpClient& client, IdpTokens tokens,
                                                                    std::string nonce) {
  auto metadata = co_await this->metadata(client);
  if (!metadata) co_return Unexpected{metadata.error()};
  json::object claims;
  switch (config_.identity) {
    case config::IdentitySource::id_token: {
      if (tokens.id_token.empty())
        co_return Unexpected{IdpError{"server_error", "the IdP sent no id_token (is openid among idp.scopes?)"}};
      std::shared_ptr<const JwkSet> keys;
      {
        std::lock_guard lock(mutex_);
        keys = keys_;
      }
      JwtExpectations expected{config_.issuer, config_.client_id, nonce};
      auto verified = verify_jwt(tokens.id_token, *keys, expected);
      if (!verified)
        co_return Unexpected{IdpError{"invalid_token", std::string("id_token refused: ") + verified.error().message}};
      claims = std::move(*verified);
      break;
    }
    case config::IdentitySource::userinfo: {
      http::OutboundRequest request;
      request.url = (*metadata)->userinfo_endpoint;
      request.headers.emplace_back("Authorization", "Bearer " + tokens.access_token);
      auto answer = co_await fetch_json(client, std::move(request), "IdP userinfo");
      if (!answer) co_return Unexpected{answer.error()};
      claims = std::move(*answer);
      break;
    }
    case config::IdentitySource::introspection: {
      http::OutboundRequest request;
      request.method = "POST";
      request.url = (*metadata)->introspection_endpoint;
      Form form{{"token", tokens.access_token}, {"token_type_hint", "access_token"}};
      authenticate_client(request, form);
      request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
      request.body = form_encode(form);
      auto answer = co_await fetch_json(client, std::move(request), "IdP introspection");
      if (!answer) co_return Unexpected{answer.error()};
      const auto* active = answer->if_contains("active");
      if (!active || !active->is_bool() || !active->as_bool())
        co_return Unexpected{IdpError{"invalid_token", "IdP introspection: the new access token is not active"}};
      claims = std::move(*answer);
      break;
    }
  }
  Identity identity = identity_from_claims(claims);
  if (identity.subject.empty())
    co_return Unexpected{IdpError{"server_error", "the IdP's claims have no \"" + config_.subject_claim + "\""}};
  co_return identity;
}

}  // namespace mcpedge::identity
