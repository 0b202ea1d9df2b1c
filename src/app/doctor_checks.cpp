// `mcpedge doctor`'s pure checks: challenge parsing, well-known URL construction, document judgments.
#include "app/doctor_checks.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace mcpedge::app::doctor {

namespace json = boost::json;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_tchar(char c) {
  // RFC 9110 §5.6.2 tchar, plus '/' so a token68 value reads as one word.
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

std::string_view strip_trailing_slash(std::string_view s) {
  if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string listed(const std::vector<std::string>& list) {
  if (list.empty()) return "nothing";
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + list[i];
  return out + "]";
}

bool is_loopback_host(std::string_view host) { return host == "127.0.0.1" || host == "localhost" || host == "[::1]"; }

}  // namespace

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::pass:
      return "pass";
    case Outcome::fail:
      return "FAIL";
    case Outcome::skip:
      return "skip";
  }
  return "?";
}

Check pass(std::string name, std::string reason) { return {std::move(name), Outcome::pass, std::move(reason)}; }
Check fail(std::string name, std::string reason) { return {std::move(name), Outcome::fail, std::move(reason)}; }
Check skip(std::string name, std::string reason) { return {std::move(name), Outcome::skip, std::move(reason)}; }

std::optional<std::string> BearerChallenge::param(std::string_view lower_name) const {
  auto it = params.find(std::string(lower_name));
  if (it == params.end()) return std::nullopt;
  return it->second;
}

std::optional<BearerChallenge> parse_bearer_challenge(std::string_view header) {
  std::optional<BearerChallenge> bearer;
  bool in_bearer = false;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
  };
  while (i < header.size()) {
    skip_space();
    if (i < header.size() && header[i] == ',') {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < header.size() && is_tchar(header[i])) ++i;
    if (i == start) {
      ++i;  // a stray character: step over it
      continue;
    }
    std::string word = lower(header.substr(start, i - start));
    skip_space();
    if (i < header.size() && header[i] == '=') {
      ++i;
      skip_space();
      std::string value;
      if (i < header.size() && header[i] == '"') {  // quoted-string, RFC 9110 §5.6.4
        ++i;
        while (i < header.size() && header[i] != '"') {
          if (header[i] == '\\' && i + 1 < header.size()) ++i;
          value += header[i++];
        }
        ++i;
      } else {
        std::size_t vstart = i;
        while (i < header.size() && header[i] != ',' && header[i] != ' ') ++i;
        value = std::string(header.substr(vstart, i - vstart));
      }
      if (in_bearer) bearer->params.emplace(std::move(word), std::move(value));
    } else {
      // A word not followed by '=' starts the next challenge (its auth-scheme).
      in_bearer = word == "bearer" && !bearer;
      if (in_bearer) bearer.emplace();
    }
  }
  return bearer;
}

Expected<McpUrl, std::string> parse_mcp_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) {
    return Unexpected{quoted(text) +
                      " is not an absolute URL; pass the MCP URL you paste into the client, e.g. "
                      "https://mcp.example.com/mcp"};
  }
  std::string scheme = lower(parsed->scheme());
  if (scheme != "http" && scheme != "https") {
    return Unexpected{quoted(text) + ": the scheme must be http or https, not " + quoted(scheme)};
  }
  if (parsed->encoded_host().empty()) return Unexpected{quoted(text) + " has no host"};
  McpUrl out;
  out.url = std::string(text);
  out.origin = scheme + "://" + lower(parsed->encoded_host_and_port());
  out.path = std::string(parsed->encoded_path());
  if (out.path == "/") out.path.clear();
  return out;
}

std::string toggle_trailing_slash(std::string_view url) {
  std::size_t query = url.find('?');
  std::string_view base = url.substr(0, query);
  std::string_view rest = query == std::string_view::npos ? std::string_view() : url.substr(query);
  std::string out = base.ends_with('/') ? std::string(base.substr(0, base.size() - 1)) : std::string(base) + "/";
  return out + std::string(rest);
}

std::string prm_path_aware_url(const McpUrl& mcp) {
  return mcp.origin + "/.well-known/oauth-protected-resource" + std::string(strip_trailing_slash(mcp.path));
}

std::string prm_root_url(const McpUrl& mcp) { return mcp.origin + "/.well-known/oauth-protected-resource"; }

bool same_resource(std::string_view advertised, std::string_view used) {
  return strip_trailing_slash(advertised) == strip_trailing_slash(used);
}

std::vector<MetadataLocation> as_metadata_locations(std::string_view issuer) {
  std::string origin = origin_of(issuer);
  if (origin.empty()) return {};
  std::string path;
  if (auto parsed = boost::urls::parse_absolute_uri(issuer)) path = std::string(parsed->encoded_path());
  path = std::string(strip_trailing_slash(path));
  std::vector<MetadataLocation> out;
  if (!path.empty()) {
    out.push_back({"RFC 8414 path-aware", origin + "/.well-known/oauth-authorization-server" + path});
    out.push_back({"OIDC path-aware", origin + "/.well-known/openid-configuration" + path});
    out.push_back({"OIDC path-appended", origin + path + "/.well-known/openid-configuration"});
  }
  out.push_back({"RFC 8414 root", origin + "/.well-known/oauth-authorization-server"});
  out.push_back({"OIDC root", origin + "/.well-known/openid-configuration"});
  return out;
}

std::string origin_of(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->encoded_host().empty()) return {};
  std::string scheme = lower(parsed->scheme());
  if (scheme != "http" && scheme != "https") return {};
  return scheme + "://" + lower(parsed->encoded_host_and_port());
}

Expected<json::object, std::string> parse_object(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) return Unexpected{"the body is not JSON (" + ec.message() + ")"};
  if (!value.is_object()) return Unexpected{std::string("the body is JSON but not an object")};
  return std::move(value.as_object());
}

std::vector<std::string> string_list(const json::object& doc, std::string_view field) {
  std::vector<std::string> out;
  const json::value* v = doc.if_contains(field);
  if (v == nullptr || !v->is_array()) return out;
  for (const json::value& item : v->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

std::string string_field(const json::object& doc, std::string_view field) {
  const json::value* v = doc.if_contains(field);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<std::string> protected_resource_faults(const json::object& doc, std::string_view used_url) {
  std::vector<std::string> faults;
  std::string resource = string_field(doc, "resource");
  if (resource.empty()) {
    faults.push_back("no \"resource\" field (RFC 9728 §2 requires it)");
  } else if (!same_resource(resource, used_url)) {
    // RFC 9728 §3.3: a client must reject metadata whose resource is not the URL it used.
    faults.push_back("resource is " + quoted(resource) + ", expected " + quoted(used_url) +
                     " (RFC 9728 §3.3; check server.public_url)");
  }
  if (string_list(doc, "authorization_servers").empty()) {
    faults.push_back("authorization_servers is missing or empty (MCP requires at least one)");
  }
  return faults;
}

Check check_issuer(const json::object& doc, std::string_view expected_issuer, std::string_view doc_url,
                   std::string_view expected_from) {
  std::string issuer = string_field(doc, "issuer");
  // RFC 8414 §3.3: the issuer must be identical to the one the metadata URL was built from, byte for
  // byte, trailing '/' included (strict clients reject the difference; shared/mcp-spec.md §8).
  if (issuer == expected_issuer) return pass("issuer", quoted(issuer) + " matches " + std::string(expected_from));
  if (issuer.empty()) return fail("issuer", std::string(doc_url) + " has no \"issuer\" field");
  return fail("issuer", std::string(doc_url) + ": issuer is " + quoted(issuer) + ", expected " +
                            quoted(expected_issuer) + " (" + std::string(expected_from) + ") exactly (RFC 8414 §3.3)");
}

Check check_pkce(const json::object& doc) {
  auto methods = string_list(doc, "code_challenge_methods_supported");
  if (contains(methods, "S256")) return pass("pkce S256", "code_challenge_methods_supported lists S256");
  // MCP 2025-11-25: clients must refuse to proceed without S256 advertised.
  return fail("pkce S256", "code_challenge_methods_supported is " + listed(methods) +
                               "; clients refuse an AS that does not advertise S256");
}

Check check_response_type(const json::object& doc) {
  auto types = string_list(doc, "response_types_supported");
  if (contains(types, "code")) return pass("response_type code", "response_types_supported lists code");
  return fail("response_type code", "response_types_supported is " + listed(types) + ", expected it to list code");
}

Check check_endpoints(const json::object& doc, std::string_view issuer) {
  std::string issuer_origin = origin_of(issuer);
  for (const char* field : {"authorization_endpoint", "token_endpoint"}) {
    std::string url = string_field(doc, field);
    if (url.empty()) return fail("endpoints", std::string(field) + " is missing");
    std::string origin = origin_of(url);
    if (origin.empty())
      return fail("endpoints", std::string(field) + " " + quoted(url) + " is not an absolute http(s) URL");
    auto host = boost::urls::parse_absolute_uri(url)->host();
    bool https = origin.starts_with("https://");
    // Clients reject non-https endpoints except on loopback (best practices, OAuth URL validation).
    if (!https && origin != issuer_origin && !is_loopback_host(host)) {
      return fail("endpoints",
                  std::string(field) + " " + quoted(url) + " is plain http on another origin than the issuer");
    }
  }
  return pass("endpoints", "authorization_endpoint " + string_field(doc, "authorization_endpoint") +
                               ", token_endpoint " + string_field(doc, "token_endpoint"));
}

Check check_token_auth_none(const json::object& doc) {
  auto methods = string_list(doc, "token_endpoint_auth_methods_supported");
  if (contains(methods, "none")) return pass("token auth none", "token_endpoint_auth_methods_supported lists none");
  // RFC 8414 §2: an absent list means client_secret_basic only, which a public client cannot use.
  return fail("token auth none",
              "token_endpoint_auth_methods_supported is " +
                  (methods.empty() ? std::string("absent (client_secret_basic only)") : listed(methods)) +
                  "; public clients need none");
}

}  // namespace mcpedge::app::doctor
