// Reads the auth section (the authorization server, the upstream IdP and the credential strategy) and the
// store section.
#include "config/checks.hpp"
#include "config/sections.hpp"
#include "config/text.hpp"

#include <boost/url/parse.hpp>

#include <cstring>
#include <utility>

namespace mcpedge::config::detail {

namespace {

// An absolute https URL, or http on a loopback host (development), without fragment.
std::optional<std::string> check_endpoint_url(string_view value) {
  auto url = boost::urls::parse_absolute_uri(value);
  if (!url) return "must be an absolute URL such as https://login.example.com, got " + quoted(value);
  std::string scheme = ascii_lower(url->scheme());
  std::string host(url->encoded_host());
  bool loopback = host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
  if (scheme != "https" && !(scheme == "http" && loopback))
    return "must use https (http only for localhost, 127.0.0.1 or [::1]), got " + quoted(value);
  if (url->has_fragment()) return "may not have a #fragment";
  return std::nullopt;
}

// RFC 6749 §3.3 scope-token: printable ASCII without space, double quote or backslash.
bool valid_scope_token(string_view scope) {
  if (scope.empty()) return false;
  for (unsigned char c : scope)
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

std::vector<std::string> read_scopes(Reader& r, const Section& s, string_view name, std::vector<std::string> fallback) {
  auto f = s.get(name);
  if (!f) return fallback;
  auto list = r.strings(*f);
  if (!list) return fallback;
  for (const auto& scope : *list) {
    if (!valid_scope_token(scope)) {
      r.error(*f, "invalid scope " + quoted(scope) + "; a scope is printable ASCII without spaces, quotes or \\");
      return fallback;
    }
  }
  return *list;
}

void read_url(Reader& r, const Section& s, string_view name, std::string& out) {
  if (auto f = s.get(name)) {
    if (auto v = r.string(*f)) {
      if (auto why = check_endpoint_url(*v))
        r.error(*f, *why);
      else
        out = *v;
    }
  }
}

// A mapping of parameter names to values, e.g. authorize_params: { audience: https://api.example.com }.
void read_params(Reader& r, const Section& s, string_view name, HeaderPairs& out) {
  auto f = s.get(name);
  if (!f) return;
  auto entries = r.entries(*f);
  if (!entries) return;
  for (auto& [key, value] : *entries) {
    if (auto v = r.string(value)) out.emplace_back(key, *v);
  }
}

template <class Enum>
void read_choice(Reader& r, const Section& s, string_view name, std::vector<std::pair<std::string, Enum>> choices,
                 Enum& out) {
  auto f = s.get(name);
  if (!f) return;
  auto v = r.string(*f);
  if (!v) return;
  std::vector<std::string> names;
  for (auto& [word, value] : choices) {
    if (word == *v) {
      out = value;
      return;
    }
    names.push_back(word);
  }
  r.error(*f, "unknown value " + quoted(*v) + "; use one of: " + join(names, ", "));
}

void read_idp(Reader& r, const Section& s, IdpConfig& out) {
  if (auto f = s.require("issuer",
                         "add issuer: https://login.example.com (the IdP's issuer, as its discovery "
                         "document spells it)")) {
    if (auto v = r.string(*f)) {
      if (auto why = check_endpoint_url(*v))
        r.error(*f, *why);
      else
        out.issuer = *v;
    }
  }
  read_url(r, s, "discovery_url", out.discovery_url);
  if (auto f = s.require("client_id", "add client_id: the id mcpedge is registered under at the IdP")) {
    if (auto v = r.string(*f)) {
      if (v->empty()) r.error(*f, "may not be empty");
      out.client_id = *v;
    }
  }
  s.read("client_secret", out.client_secret);
  if (auto f = s.get("token_endpoint_auth")) {
    if (auto v = r.string(*f)) {
      if (*v != "client_secret_basic" && *v != "client_secret_post" && *v != "none")
        r.error(*f, "unknown value " + quoted(*v) + "; use one of: client_secret_basic, client_secret_post, none");
      else
        out.token_endpoint_auth = *v;
    }
  }
  if (out.client_secret.empty() && !s.get("token_endpoint_auth")) out.token_endpoint_auth = "none";
  if (out.token_endpoint_auth != "none" && out.client_secret.empty() && s.get("token_endpoint_auth"))
    r.error(s.at().line, child_key(s.at().key, "client_secret"),
            "is required with token_endpoint_auth " + out.token_endpoint_auth + "; set client_secret: ${IDP_SECRET}");
  out.scopes = read_scopes(r, s, "scopes", out.scopes);
  read_choice(r, s, "identity",
              {{"id_token", IdentitySource::id_token},
               {"userinfo", IdentitySource::userinfo},
               {"introspection", IdentitySource::introspection}},
              out.identity);
  if (out.identity == IdentitySource::introspection && out.client_secret.empty())
    r.error(s.at().line, child_key(s.at().key, "identity"),
            "introspection needs a confidential client: set client_secret (RFC 7662 §2.1)");
  read_params(r, s, "authorize_params", out.authorize_params);
  read_params(r, s, "token_params", out.token_params);
  s.read("resource", out.resource);
  s.read("subject_claim", out.subject_claim);
  s.read("name_claim", out.name_claim);
  s.read("org_claim", out.org_claim);
  s.read("timeout_ms", out.timeout, 1);
}

void read_credential(Reader& r, const Section& s, CredentialConfig& out) {
  read_choice(r, s, "strategy",
              {{"idp_token", CredentialStrategy::idp_token},
               {"mint", CredentialStrategy::mint},
               {"token_exchange", CredentialStrategy::token_exchange},
               {"service", CredentialStrategy::service}},
              out.strategy);
  auto mint = s.section("mint", {"method", "url", "headers", "body", "token_field", "ttl_s"});
  if (mint.present()) {
    if (auto f = mint.get("method")) {
      if (auto v = r.string(*f)) out.mint.method = upper(*v);
    }
    if (auto f = mint.require("url", "add url: https://auth.example.com/api/backend/v1/end_user_api_keys")) {
      if (auto v = r.string(*f)) {
        std::string probe = *v;  // the {subject}/{org} placeholders are not URL syntax
        for (auto* p : {"{subject}", "{org}"})
          for (auto at = probe.find(p); at != std::string::npos; at = probe.find(p)) probe.replace(at, strlen(p), "x");
        if (auto why = check_endpoint_url(probe))
          r.error(*f, *why);
        else
          out.mint.url = *v;
      }
    }
    if (auto f = mint.get("headers"))
      if (auto h = read_headers(r, *f)) out.mint.headers = std::move(*h);
    if (auto f = mint.get("body")) {
      if (auto v = r.to_json(*f)) out.mint.body = boost::json::serialize(*v);
    }
    mint.read("token_field", out.mint.token_field);
    mint.read("ttl_s", out.mint.ttl, 60);
  }
  if (out.strategy == CredentialStrategy::mint && !mint.present())
    r.error(s.at().line, child_key(s.at().key, "mint"),
            "strategy mint needs mint: { url, headers, body, token_field } (the call that creates a user's API key)");

  auto exchange = s.section("token_exchange", {"endpoint", "audience", "scope", "requested_token_type"});
  read_url(r, exchange, "endpoint", out.token_exchange.endpoint);
  exchange.read("audience", out.token_exchange.audience);
  exchange.read("scope", out.token_exchange.scope);
  exchange.read("requested_token_type", out.token_exchange.requested_token_type);

  auto service = s.section("service", {"credential", "headers"});
  service.read("credential", out.service_credential);
  if (auto f = service.get("headers"))
    if (auto h = read_headers(r, *f)) out.identity_headers = std::move(*h);
  if (out.strategy == CredentialStrategy::service && out.service_credential.empty())
    r.error(
        s.at().line, child_key(s.at().key, "service.credential"),
        "strategy service needs service: { credential: ${API_SERVICE_KEY}, headers: { X-User-Id: \"{subject}\" } }");
}

}  // namespace

void read_auth(Reader& r, const Section& s, AuthConfig& out) {
  out.enabled = true;
  s.read("enabled", out.enabled);
  out.scopes = read_scopes(r, s, "scopes", out.scopes);
  for (const auto& scope : out.scopes) {
    if (scope == "offline_access")
      r.error(s.at().line, child_key(s.at().key, "scopes"),
              "leave offline_access out: clients request everything listed, and refresh tokens are issued anyway");
  }
  s.read("access_token_ttl_s", out.access_token_ttl, 30);
  s.read("refresh_token_ttl_s", out.refresh_token_ttl, 60);
  s.read("code_ttl_s", out.code_ttl, 5);
  s.read("login_ttl_s", out.login_ttl, 30);
  s.read("browser_session_ttl_s", out.browser_session_ttl, 0);
  s.read("api_key_passthrough", out.api_key_passthrough);
  s.read("allow_insecure_loopback_redirects", out.allow_insecure_loopback_redirects);
  s.read("dev_idp", out.dev_idp);
  auto cimd = s.section("cimd", {"allow_private"});
  cimd.read("allow_private", out.cimd_allow_private);
  auto idp = s.section("idp", {"issuer", "discovery_url", "client_id", "client_secret", "token_endpoint_auth", "scopes",
                               "identity", "authorize_params", "token_params", "resource", "subject_claim",
                               "name_claim", "org_claim", "timeout_ms"});
  if (idp.present())
    read_idp(r, idp, out.idp);
  else if (out.enabled && !out.dev_idp)
    s.require("idp", "add idp: { issuer, client_id, client_secret } (the identity provider users sign in with)");
  auto credential = s.section("credential", {"strategy", "mint", "token_exchange", "service"});
  read_credential(r, credential, out.credential);
}

void read_store(Reader& r, const Section& s, StoreConfig& out) {
  if (auto f = s.get("sqlite")) {
    if (auto v = r.string(*f)) {
      if (v->empty())
        r.error(*f, "may not be empty; give a file path such as /var/lib/mcpedge/store.db");
      else
        out.sqlite = *v;
    }
  }
}

}  // namespace mcpedge::config::detail
