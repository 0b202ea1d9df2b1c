// Client metadata validation (RFC 7591 §2, OIDC Registration §2, RFC 8252), shared by DCR and CIMD.
#include "oauth/clients.hpp"
#include "oauth/redirect_uri.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <string>

namespace mcpedge::oauth {

namespace json = boost::json;

const char* to_string(ApplicationType type) { return type == ApplicationType::native ? "native" : "web"; }

const char* to_string(TokenEndpointAuthMethod method) {
  switch (method) {
    case TokenEndpointAuthMethod::none:
      return "none";
    case TokenEndpointAuthMethod::client_secret_basic:
      return "client_secret_basic";
    case TokenEndpointAuthMethod::client_secret_post:
      return "client_secret_post";
  }
  return "none";
}

namespace {

constexpr std::size_t k_max_redirect_uris = 20;
constexpr std::size_t k_max_redirect_uri_length = 2000;
constexpr std::size_t k_max_client_name = 200;  // characters (code points)
constexpr std::size_t k_max_scope_length = 1000;

Unexpected<RegistrationError> invalid_redirect_uri(std::string description) {
  return Unexpected{RegistrationError{"invalid_redirect_uri", std::move(description)}};
}
Unexpected<RegistrationError> invalid_metadata(std::string description) {
  return Unexpected{RegistrationError{"invalid_client_metadata", std::move(description)}};
}

// A redirect URI as an error message shows it: quoted, long ones cut short.
std::string quoted(std::string_view uri) {
  constexpr std::size_t k_shown = 100;
  if (uri.size() <= k_shown) return "\"" + std::string(uri) + "\"";
  return "\"" + std::string(uri.substr(0, k_shown)) + "...\"";
}

std::string at(std::string_view field, std::size_t index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

// Every field may be absent; if present it must have the right JSON type.
const json::string* string_field(const json::object& m, std::string_view name, bool& wrong_type) {
  const json::value* v = m.if_contains(name);
  wrong_type = v != nullptr && !v->is_string();
  return v != nullptr ? v->if_string() : nullptr;
}

// How the registration may redirect, per application type: RFC 8252 §7 for native clients; web
// clients use https only (shared/mcp-spec.md §5 "Redirect URIs").
Expected<ApplicationType, RegistrationError> check_redirect_uris(const json::object& m, std::vector<std::string>& uris,
                                                                 const RegistrationOptions& options) {
  const json::value* value = m.if_contains("redirect_uris");
  const json::array* list = value != nullptr ? value->if_array() : nullptr;
  if (list == nullptr || list->empty()) {
    return invalid_redirect_uri("redirect_uris is required: a non-empty array of absolute URIs");
  }
  if (list->size() > k_max_redirect_uris) {
    return invalid_redirect_uri("redirect_uris has " + std::to_string(list->size()) + " entries; at most " +
                                std::to_string(k_max_redirect_uris) + " are accepted");
  }
  std::vector<RedirectUriKind> kinds;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json::string* uri = (*list)[i].if_string();
    if (uri == nullptr) return invalid_redirect_uri(at("redirect_uris", i) + " must be a string");
    if (uri->size() > k_max_redirect_uri_length) {
      return invalid_redirect_uri(at("redirect_uris", i) + " is longer than " +
                                  std::to_string(k_max_redirect_uri_length) + " characters");
    }
    auto kind = classify_redirect_uri(*uri);
    if (!kind) return invalid_redirect_uri(at("redirect_uris", i) + " " + quoted(*uri) + " " + kind.error());
    if (*kind == RedirectUriKind::insecure_http) {
      return invalid_redirect_uri(at("redirect_uris", i) + " " + quoted(*uri) +
                                  ": http is only allowed for loopback hosts (127.0.0.1, [::1], localhost); use https");
    }
    kinds.push_back(*kind);
    uris.emplace_back(*uri);
  }

  ApplicationType type = ApplicationType::web;
  bool wrong_type = false;
  const json::string* declared = string_field(m, "application_type", wrong_type);
  if (wrong_type || (declared != nullptr && *declared != "web" && *declared != "native")) {
    return invalid_metadata("application_type must be \"web\" or \"native\"");
  }
  if (declared != nullptr) {
    type = *declared == "native" ? ApplicationType::native : ApplicationType::web;
  } else {
    // OIDC defaults to "web", but clients written before 2026-07-28 (and CIMD documents such as
    // Claude Code's) omit the type. A loopback or custom-scheme redirect is only ever a native app's
    // (RFC 8252 §7.1, §7.3), and native apps may also claim https redirects (§7.2): VS Code registers
    // https://vscode.dev/redirect next to http://127.0.0.1:33418/, Cursor cursor:// next to loopback.
    bool app = std::any_of(kinds.begin(), kinds.end(), [](RedirectUriKind k) {
      return k == RedirectUriKind::loopback_http || k == RedirectUriKind::private_use_scheme;
    });
    type = app ? ApplicationType::native : ApplicationType::web;
  }
  if (type == ApplicationType::native) return type;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] == RedirectUriKind::private_use_scheme) {
      return invalid_redirect_uri(at("redirect_uris", i) + " " + quoted(uris[i]) +
                                  ": a web client must use https; custom schemes need application_type \"native\"");
    }
    if (kinds[i] == RedirectUriKind::loopback_http && !options.allow_insecure_web_loopback) {
      return invalid_redirect_uri(at("redirect_uris", i) + " " + quoted(uris[i]) +
                                  ": a web client must use https; loopback redirects need application_type \"native\"");
    }
  }
  return type;
}

Expected<TokenEndpointAuthMethod, RegistrationError> check_auth_method(const json::object& m,
                                                                       TokenEndpointAuthMethod fallback) {
  bool wrong_type = false;
  const json::string* method = string_field(m, "token_endpoint_auth_method", wrong_type);
  if (wrong_type) return invalid_metadata("token_endpoint_auth_method must be a string");
  if (method == nullptr) return fallback;
  for (auto candidate : {TokenEndpointAuthMethod::none, TokenEndpointAuthMethod::client_secret_basic,
                         TokenEndpointAuthMethod::client_secret_post}) {
    if (*method == to_string(candidate)) return candidate;
  }
  return invalid_metadata("token_endpoint_auth_method \"" + std::string(*method) +
                          "\" is not supported; use none, client_secret_basic or client_secret_post");
}

// RFC 7591 §2.1: grant_types and response_types must agree; this server issues codes only.
Expected<bool, RegistrationError> check_grants(const json::object& m) {
  bool refresh = false;
  if (const json::value* grants = m.if_contains("grant_types")) {
    const json::array* list = grants->if_array();
    if (list == nullptr || list->empty()) {
      return invalid_metadata(
          "grant_types must be a non-empty array, e.g. [\"authorization_code\", \"refresh_token\"]");
    }
    bool code = false;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json::string* g = (*list)[i].if_string();
      if (g != nullptr && *g == "authorization_code") {
        code = true;
      } else if (g != nullptr && *g == "refresh_token") {
        refresh = true;
      } else {
        return invalid_metadata(at("grant_types", i) +
                                " is not supported; this server offers authorization_code and refresh_token");
      }
    }
    if (!code) return invalid_metadata("grant_types must include \"authorization_code\"");
  }
  if (const json::value* responses = m.if_contains("response_types")) {
    const json::array* list = responses->if_array();
    if (list == nullptr || list->empty()) return invalid_metadata("response_types must be [\"code\"]");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json::string* r = (*list)[i].if_string();
      if (r == nullptr || *r != "code") {
        return invalid_metadata(at("response_types", i) + " is not supported; response_types must be [\"code\"]");
      }
    }
  }
  return refresh;
}

// A name for the consent page: bounded, and without control characters that could disguise it.
Expected<std::string, RegistrationError> check_client_name(const json::object& m) {
  bool wrong_type = false;
  const json::string* name = string_field(m, "client_name", wrong_type);
  if (wrong_type) return invalid_metadata("client_name must be a string");
  if (name == nullptr) return std::string();
  std::size_t characters = 0;
  for (unsigned char c : *name) {
    if (c < 0x20 || c == 0x7f) return invalid_metadata("client_name must not contain control characters");
    if ((c & 0xc0) != 0x80) ++characters;  // count UTF-8 lead bytes (the JSON parser checked UTF-8)
  }
  if (characters > k_max_client_name) {
    return invalid_metadata("client_name is longer than " + std::to_string(k_max_client_name) + " characters");
  }
  return std::string(*name);
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by spaces.
Expected<std::string, RegistrationError> check_scope(const json::object& m) {
  bool wrong_type = false;
  const json::string* scope = string_field(m, "scope", wrong_type);
  if (wrong_type) return invalid_metadata("scope must be a space-separated string");
  if (scope == nullptr) return std::string();
  if (scope->size() > k_max_scope_length) {
    return invalid_metadata("scope is longer than " + std::to_string(k_max_scope_length) + " characters");
  }
  std::string normalized;
  std::string_view rest(*scope);
  while (!rest.empty()) {
    auto end = rest.find(' ');
    std::string_view token = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (token.empty()) continue;
    for (unsigned char c : token) {
      if (c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e) {
        return invalid_metadata("scope \"" + std::string(token) + "\" contains a character scopes cannot have");
      }
    }
    if (!normalized.empty()) normalized += ' ';
    normalized += token;
  }
  return normalized;
}

}  // namespace

Expected<RegisteredClient, RegistrationError> validate_client_metadata(const json::object& metadata,
                                                                       TokenEndpointAuthMethod default_method,
                                                                       const RegistrationOptions& options) {
  RegisteredClient client;
  auto type = check_redirect_uris(metadata, client.redirect_uris, options);
  if (!type) return Unexpected{type.error()};
  client.application_type = *type;
  auto method = check_auth_method(metadata, default_method);
  if (!method) return Unexpected{method.error()};
  client.token_endpoint_auth_method = *method;
  auto refresh = check_grants(metadata);
  if (!refresh) return Unexpected{refresh.error()};
  client.refresh_token_grant = *refresh;
  auto name = check_client_name(metadata);
  if (!name) return Unexpected{name.error()};
  client.client_name = std::move(*name);
  auto scope = check_scope(metadata);
  if (!scope) return Unexpected{scope.error()};
  client.scope = std::move(*scope);
  return client;
}

}  // namespace mcpedge::oauth
