// The upstream IdP's metadata (OpenID Connect Discovery 1.0 / RFC 8414): where its endpoints are.
#include "identity/discovery.hpp"
#include "base/ascii.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <tuple>
#include <utility>

namespace mcpedge::identity {
namespace {

namespace json = boost::json;
namespace urls = boost::urls;

Unexpected<DiscoveryError> fail(std::string message) { return Unexpected{DiscoveryError{std::move(message)}}; }

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool is_loopback(const urls::url_view& url) {
  switch (url.host_type()) {
    case urls::host_type::ipv4:
      return url.host_ipv4_address().is_loopback();
    case urls::host_type::ipv6:
      return url.host_ipv6_address().is_loopback();
    case urls::host_type::name: {
      std::string host = url.host();
      ascii_lower_in_place(host);
      return host == "localhost";
    }
    default:
      return false;
  }
}

// Why `url` is not an acceptable endpoint, or nullopt when it is.
std::optional<std::string> endpoint_problem(std::string_view url) {
  auto parsed = urls::parse_absolute_uri(url);
  // Boost.URL 1.81 reads "http://127.0.0.1.evil.com" as host 127.0.0.1 and path ".evil.com"
  // (boostorg/url#755); after an authority the path must be empty or start with "/" (RFC 3986 §3.3).
  if (!parsed || !parsed->has_authority() || parsed->encoded_host().empty() ||
      (!parsed->encoded_path().empty() && parsed->encoded_path().front() != '/')) {
    return std::string("is not an absolute URL with a host");
  }
  if (parsed->scheme_id() == urls::scheme::https) return std::nullopt;
  if (parsed->scheme_id() == urls::scheme::http && is_loopback(*parsed)) return std::nullopt;
  return std::string("must use https (http is allowed only for loopback hosts)");
}

// RFC 8414 §2: the issuer is an https URL with no query or fragment.
std::optional<std::string> issuer_problem(std::string_view issuer) {
  if (auto problem = endpoint_problem(issuer)) return problem;
  auto parsed = urls::parse_absolute_uri(issuer);
  if (parsed->has_query() || parsed->has_fragment()) return std::string("must have no query or fragment");
  return std::nullopt;
}

// A member that must be a string when present; nullopt when absent.
Expected<std::optional<std::string>, DiscoveryError> optional_string(const json::object& doc, std::string_view name) {
  const json::value* v = doc.if_contains(name);
  if (v == nullptr) return std::optional<std::string>{};
  if (!v->is_string()) return fail("the IdP's metadata has " + std::string(name) + " that is not a string");
  return std::optional<std::string>{std::string(v->get_string())};
}

Expected<std::vector<std::string>, DiscoveryError> string_list(const json::object& doc, std::string_view name) {
  std::vector<std::string> out;
  const json::value* v = doc.if_contains(name);
  if (v == nullptr) return out;
  const json::array* list = v->if_array();
  if (list == nullptr) return fail("the IdP's metadata has " + std::string(name) + " that is not an array");
  for (const json::value& item : *list) {
    if (!item.is_string()) return fail("the IdP's metadata has " + std::string(name) + " with a non-string entry");
    out.emplace_back(item.get_string());
  }
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& item : list) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Reads one endpoint into `field`, checking its URL; `required` says whether it may be absent.
Expected<bool, DiscoveryError> read_endpoint(const json::object& doc, std::string_view name, bool required,
                                             std::string& field) {
  auto value = optional_string(doc, name);
  if (!value) return Unexpected{std::move(value.error())};
  if (!value->has_value()) {
    if (required) return fail("the IdP's metadata has no " + std::string(name) + ", which mcpedge needs");
    return false;
  }
  if (auto problem = endpoint_problem(**value)) {
    return fail("the IdP's " + std::string(name) + " " + quoted(**value) + " " + *problem);
  }
  field = std::move(**value);
  return true;
}

Expected<bool, DiscoveryError> read_endpoints(const json::object& doc, const DiscoveryExpectations& expected,
                                              ProviderMetadata& out) {
  const std::initializer_list<std::tuple<std::string_view, bool, std::string*>> endpoints = {
      {"authorization_endpoint", true, &out.authorization_endpoint},
      {"token_endpoint", true, &out.token_endpoint},
      {"jwks_uri", expected.need_jwks_uri, &out.jwks_uri},
      {"userinfo_endpoint", expected.need_userinfo_endpoint, &out.userinfo_endpoint},
      {"introspection_endpoint", expected.need_introspection_endpoint, &out.introspection_endpoint},
      {"revocation_endpoint", false, &out.revocation_endpoint},
      {"end_session_endpoint", false, &out.end_session_endpoint},
  };
  for (const auto& [name, required, field] : endpoints) {
    if (auto read = read_endpoint(doc, name, required, *field); !read) return read;
  }
  return true;
}

Expected<bool, DiscoveryError> read_capabilities(const json::object& doc, const DiscoveryExpectations& expected,
                                                 ProviderMetadata& out) {
  const std::initializer_list<std::pair<std::string_view, std::vector<std::string>*>> lists = {
      {"scopes_supported", &out.scopes_supported},
      {"token_endpoint_auth_methods_supported", &out.token_endpoint_auth_methods_supported},
      {"id_token_signing_alg_values_supported", &out.id_token_signing_alg_values_supported},
      {"code_challenge_methods_supported", &out.code_challenge_methods_supported},
  };
  for (const auto& [name, field] : lists) {
    auto list = string_list(doc, name);
    if (!list) return Unexpected{std::move(list.error())};
    *field = std::move(*list);
  }
  auto response_types = string_list(doc, "response_types_supported");
  if (!response_types) return Unexpected{std::move(response_types.error())};
  if (doc.contains("response_types_supported") && !contains(*response_types, "code")) {
    return fail("the IdP does not support the authorization code flow (response_types_supported: " +
                joined(*response_types) + ")");
  }
  if (!contains(out.code_challenge_methods_supported, "S256") && !expected.assume_s256) {
    const std::string advertised =
        doc.contains("code_challenge_methods_supported")
            ? "code_challenge_methods_supported: [" + joined(out.code_challenge_methods_supported) + "]"
            : "no code_challenge_methods_supported";
    return fail("the IdP does not advertise PKCE S256 (" + advertised +
                "); mcpedge requires S256 on its sign-in with the IdP. Enable S256 at the IdP, or declare "
                "that it supports S256 without advertising it");
  }
  const json::value* iss_param = doc.if_contains("authorization_response_iss_parameter_supported");
  out.authorization_response_iss_parameter_supported =
      iss_param != nullptr && iss_param->is_bool() && iss_param->get_bool();
  return true;
}

}  // namespace

bool is_secure_endpoint(std::string_view url) { return !endpoint_problem(url).has_value(); }

Expected<ProviderMetadata, DiscoveryError> parse_discovery(const json::object& document,
                                                           const DiscoveryExpectations& expected) {
  auto issuer = optional_string(document, "issuer");
  if (!issuer) return Unexpected{std::move(issuer.error())};
  if (!issuer->has_value()) return fail("the IdP's metadata has no issuer");
  // RFC 8414 §3.3 / OIDC Discovery §4.3: the issuer must be identical to the one metadata was asked for;
  // anything else (even a trailing slash) could be a mix-up with another IdP.
  if (**issuer != expected.issuer) {
    return fail("the IdP's metadata names issuer " + quoted(**issuer) + " but the configured issuer is " +
                quoted(expected.issuer) + "; they must match byte for byte (RFC 8414 §3.3): configure " +
                quoted(**issuer) + " if that is the IdP you mean");
  }
  if (auto problem = issuer_problem(**issuer)) return fail("the issuer " + quoted(**issuer) + " " + *problem);
  ProviderMetadata out;
  out.issuer = std::move(**issuer);
  if (auto read = read_endpoints(document, expected, out); !read) return Unexpected{std::move(read.error())};
  if (auto read = read_capabilities(document, expected, out); !read) return Unexpected{std::move(read.error())};
  return out;
}

Expected<ProviderMetadata, DiscoveryError> parse_discovery(std::string_view json_text,
                                                           const DiscoveryExpectations& expected) {
  boost::system::error_code ec;
  json::value document = json::parse(json_text, ec);
  if (ec) return fail("the IdP's metadata is not valid JSON: " + ec.message());
  if (!document.is_object()) return fail("the IdP's metadata is not a JSON object");
  return parse_discovery(document.get_object(), expected);
}

Expected<std::string, DiscoveryError> openid_configuration_url(std::string_view issuer) {
  if (auto problem = issuer_problem(issuer)) return fail("the issuer " + quoted(issuer) + " " + *problem);
  if (!issuer.empty() && issuer.back() == '/') issuer.remove_suffix(1);
  return std::string(issuer) + "/.well-known/openid-configuration";
}

Expected<std::string, DiscoveryError> authorization_server_metadata_url(std::string_view issuer) {
  if (auto problem = issuer_problem(issuer)) return fail("the issuer " + quoted(issuer) + " " + *problem);
  const auto parsed = urls::parse_absolute_uri(issuer);
  std::string_view path = parsed->encoded_path();
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);  // RFC 8414 §3.1
  return std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_authority()) +
         "/.well-known/oauth-authorization-server" + std::string(path);
}

}  // namespace mcpedge::identity
