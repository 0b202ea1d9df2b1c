// The development IdP's front channel and routing: discovery, the sign-in page and its form.
#include "demo/dev_idp.hpp"

#include "base/ascii.hpp"
#include "crypto/encoding.hpp"
#include "demo/dev_idp_pages.hpp"
#include "demo/dev_idp_support.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <array>
#include <initializer_list>
#include <stdexcept>

namespace mcpedge::demo {

using namespace detail;

namespace {

constexpr std::chrono::seconds k_request_ttl{600};  // from the sign-in page to its submission
constexpr std::chrono::seconds k_code_ttl{60};
constexpr std::size_t k_max_display_name = 100;
constexpr std::array<string_view, 4> k_scopes = {"openid", "profile", "email", "offline_access"};

Reply redirect(const std::string& location) {
  Reply reply;
  reply.head.result(Status::found);
  reply.head.version(11);
  reply.head.set(http::Field::location, location);
  reply.head.set(http::Field::cache_control, "no-store");
  return reply;
}

// --- Small rules ----------------------------------------------------------------------------------

// Requested scopes this provider knows, in order, once each; "openid" when none.
std::string granted_scope(string_view requested) {
  std::vector<string_view> granted;
  for (string_view scope : scope_tokens(requested)) {
    if (std::find(k_scopes.begin(), k_scopes.end(), scope) != k_scopes.end() &&
        std::find(granted.begin(), granted.end(), scope) == granted.end())
      granted.push_back(scope);
  }
  if (granted.empty()) return "openid";
  std::string out;
  for (string_view scope : granted) {
    if (!out.empty()) out += ' ';
    out += scope;
  }
  return out;
}

// "Ada Lovelace" → "ada-lovelace": ASCII letters and digits, runs of anything else become one '-'.
std::string subject_for(string_view name) {
  std::string slug;
  bool gap = false;
  for (char c : name) {
    const char lower = ascii_lower(c);
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
      if (gap && !slug.empty()) slug += '-';
      slug += lower;
      gap = false;
    } else {
      gap = true;
    }
  }
  // A name without ASCII letters (e.g. in another script) still gets a stable subject.
  if (slug.empty()) slug = "user-" + crypto::hex_encode(crypto::sha256(name)).substr(0, 12);
  return slug;
}

// Well-formed UTF-8 (RFC 3629): what a browser sends, and what JSON payloads must hold.
bool is_utf8(string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xE  ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 0;
    if (length == 0 || i + length > text.size()) return false;
    std::uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    constexpr std::uint32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < k_min[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
      return false;  // overlong, surrogate
    i += length;
  }
  return true;
}

struct RedirectTarget {
  std::string uri;
  std::string origin;  // scheme://host[:port], safe to put in a CSP header
};

// Development rule: any http(s) URI whose path ends with /oauth/callback (mcpedge's callback).
Expected<RedirectTarget, std::string> check_redirect_uri(const std::string& uri) {
  if (uri.empty()) return Unexpected{std::string("redirect_uri is missing.")};
  auto parsed = boost::urls::parse_absolute_uri(uri);  // absolute-URI has no fragment (RFC 6749 §3.1.2)
  if (!parsed) return Unexpected{"redirect_uri \"" + uri + "\" is not an absolute URI without a fragment."};
  const auto scheme = parsed->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
    return Unexpected{"redirect_uri \"" + uri + "\" must use http or https."};
  const string_view host_port = parsed->encoded_host_and_port();
  const bool plain_host =
      !parsed->encoded_host().empty() && std::all_of(host_port.begin(), host_port.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
               c == ':' || c == '[' || c == ']';
      });
  if (!plain_host || parsed->has_userinfo())
    return Unexpected{"redirect_uri \"" + uri + "\" needs a plain host name or IP address, without user info."};
  if (!parsed->encoded_path().ends_with("/oauth/callback"))
    return Unexpected{"redirect_uri \"" + uri +
                      "\" is not accepted: this development provider redirects only to paths ending in "
                      "/oauth/callback (mcpedge's callback)."};
  return RedirectTarget{
      uri, std::string(scheme == boost::urls::scheme::http ? "http://" : "https://") + ascii_lower(host_port)};
}

// `uri` with the parameters appended to its query (empty values left out).
std::string with_params(const std::string& uri, std::initializer_list<std::pair<string_view, string_view>> params) {
  boost::urls::url target(uri);
  for (const auto& [name, value] : params)
    if (!value.empty()) target.params().append({name, value});
  return std::string(target.buffer());
}

// --- Endpoints ------------------------------------------------------------------------------------

Reply discovery(const IdpContext& ctx) {
  const std::string& issuer = ctx.options.issuer;
  // No jwks_uri and no id_token: identity comes from userinfo (or introspection), which mcpedge's
  // generic upstream code supports. RS256 is listed only because OIDC Discovery requires the field.
  json::object doc{
      {"issuer", issuer},
      {"authorization_endpoint", issuer + "/authorize"},
      {"token_endpoint", issuer + "/token"},
      {"userinfo_endpoint", issuer + "/userinfo"},
      {"introspection_endpoint", issuer + "/introspect"},
      {"response_types_supported", json::array{"code"}},
      {"grant_types_supported", json::array{"authorization_code", "refresh_token"}},
      {"code_challenge_methods_supported", json::array{"S256"}},
      {"token_endpoint_auth_methods_supported", json::array{"client_secret_basic", "client_secret_post"}},
      {"introspection_endpoint_auth_methods_supported", json::array{"client_secret_basic", "client_secret_post"}},
      {"scopes_supported", json::array(k_scopes.begin(), k_scopes.end())},
      {"subject_types_supported", json::array{"public"}},
      {"id_token_signing_alg_values_supported", json::array{"RS256"}},
      {"claims_supported", json::array{"sub", "name", "orgs"}},
      {"authorization_response_iss_parameter_supported", true},
  };
  return http::json_reply(Status::ok, json::serialize(doc));
}

Reply authorize_page(const IdpContext& ctx, const OAuthParams& query) {
  const DevIdpOptions& o = ctx.options;
  // RFC 6749 §4.1.2.1: with a bad client or redirect URI, tell the user and do not redirect.
  const std::string client_id = query.get("client_id");
  if (client_id != o.client_id)
    return page_reply(Status::bad_request, error_page("Unknown application",
                                                      "client_id \"" + client_id +
                                                          "\" is not registered here; this development provider serves "
                                                          "only the client configured for it (\"" +
                                                          o.client_id + "\")."));
  auto target = check_redirect_uri(query.get("redirect_uri"));
  if (!target) return page_reply(Status::bad_request, error_page("Invalid redirect_uri", target.error()));

  const std::string state = query.get("state");
  auto fail = [&](string_view error, string_view description) {
    return redirect(with_params(
        target->uri, {{"error", error}, {"error_description", description}, {"state", state}, {"iss", o.issuer}}));
  };
  if (query.get("response_type") != "code") return fail("unsupported_response_type", "response_type must be \"code\"");
  const std::string challenge = query.get("code_challenge");
  if (challenge.empty())
    return fail("invalid_request", "code_challenge is required: this provider needs PKCE with S256 (RFC 7636)");
  // RFC 7636 §4.4.1: an unsupported method is invalid_request too; plain is not offered.
  if (query.get("code_challenge_method") != "S256")
    return fail("invalid_request", "code_challenge_method must be S256");
  if (!is_pkce_value(challenge, 43, 43))
    return fail("invalid_request", "code_challenge must be BASE64URL(SHA256(code_verifier)): 43 characters");

  json::object request{{"client_id", client_id},
                       {"redirect_uri", target->uri},
                       {"state", state},
                       {"code_challenge", challenge},
                       {"scope", granted_scope(query.get("scope"))}};
  SignInForm form;
  form.client_id = client_id;
  form.return_origin = target->origin;
  form.sealed_request = seal_payload(ctx, "request", std::move(request), ctx.now + k_request_ttl);
  form.orgs = &o.orgs;
  return page_reply(Status::ok, sign_in_page(form));
}

Reply sign_in(const IdpContext& ctx, const OAuthParams& form) {
  const DevIdpOptions& o = ctx.options;
  auto request = open_payload(ctx, "request", form.get("request"));
  if (!request)
    return page_reply(Status::bad_request,
                      error_page("Sign-in expired",
                                 "This sign-in form is older than 10 minutes or was altered. Go back "
                                 "to the application and sign in again."));
  const std::string redirect_uri = member_text(*request, "redirect_uri");
  auto target = check_redirect_uri(redirect_uri);
  if (!target) return page_reply(Status::bad_request, error_page("Invalid redirect_uri", target.error()));

  SignInForm page;
  page.client_id = member_text(*request, "client_id");
  page.return_origin = target->origin;
  page.sealed_request = form.get("request");
  page.orgs = &o.orgs;
  page.name = trim(form.get("name"));
  page.checked = form.all("orgs");
  auto again = [&](std::string error) {
    page.error = std::move(error);
    return page_reply(Status::bad_request, sign_in_page(page));
  };
  if (page.name.empty()) return again("Enter your name to sign in.");
  if (page.name.size() > k_max_display_name)
    return again("Your name is longer than " + std::to_string(k_max_display_name) + " characters; shorten it.");
  if (!is_utf8(page.name) ||
      std::any_of(page.name.begin(), page.name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    return again("Your name contains control characters or is not UTF-8; type it again.");
  json::array orgs;
  for (const std::string& id : page.checked) {
    if (std::none_of(o.orgs.begin(), o.orgs.end(), [&](const auto& org) { return org.first == id; }))
      return again("There is no organization \"" + id + "\" here; pick from the list.");
  }
  for (const auto& [id, name] : o.orgs) {  // in the configured order, once each
    if (std::find(page.checked.begin(), page.checked.end(), id) != page.checked.end())
      orgs.push_back(json::object{{"id", id}, {"name", name}});
  }

  const Grant grant{subject_for(page.name), page.name, std::move(orgs), page.client_id, member_text(*request, "scope")};
  json::object code = grant.payload();
  code["redirect_uri"] = redirect_uri;
  code["code_challenge"] = member_text(*request, "code_challenge");
  const std::string sealed = seal_payload(ctx, "code", std::move(code), ctx.now + k_code_ttl);
  return redirect(
      with_params(redirect_uri, {{"code", sealed}, {"state", member_text(*request, "state")}, {"iss", o.issuer}}));
}

// --- Routing --------------------------------------------------------------------------------------

enum class Endpoint { about, discovery, authorize, token, userinfo, introspect };

struct Route {
  string_view path;  // after k_prefix
  Endpoint endpoint;
  string_view allow;  // methods, as the Allow header lists them
};

constexpr Route k_routes[] = {
    {"", Endpoint::about, "GET"},
    {"/", Endpoint::about, "GET"},
    {"/.well-known/openid-configuration", Endpoint::discovery, "GET"},
    {"/.well-known/oauth-authorization-server", Endpoint::discovery, "GET"},
    {"/authorize", Endpoint::authorize, "GET, POST"},
    {"/token", Endpoint::token, "POST"},
    {"/userinfo", Endpoint::userinfo, "GET, POST"},
    {"/introspect", Endpoint::introspect, "POST"},
};

}  // namespace

DevIdentityProvider::DevIdentityProvider(std::shared_ptr<const crypto::KeyRing> keys, DevIdpOptions options)
    : keys_(std::move(keys)), options_(std::move(options)) {
  if (!keys_) throw std::invalid_argument("development IdP: no key ring");
  if (options_.issuer.empty() || options_.issuer.ends_with('/'))
    throw std::invalid_argument("development IdP: issuer \"" + options_.issuer + "\" must be the origin followed by " +
                                std::string(k_prefix) + ", without a trailing /");
  if (options_.client_id.empty() || options_.client_secret.empty())
    throw std::invalid_argument("development IdP: client_id and client_secret must not be empty");
  if (!options_.clock) options_.clock = [] { return Clock::now(); };
}

boost::asio::awaitable<http::Reply> DevIdentityProvider::handle(http::Incoming& in) {
  string_view rest;
  if (in.path == k_rfc8414_metadata_path) {
    rest = "/.well-known/oauth-authorization-server";
  } else if (in.path.starts_with(k_prefix) && (in.path.size() == k_prefix.size() || in.path[k_prefix.size()] == '/')) {
    rest = in.path.substr(k_prefix.size());
  } else {
    co_return http::error_reply(Status::not_found, "the development IdP serves only paths under /dev-idp");
  }
  const Route* route = nullptr;
  for (const Route& r : k_routes)
    if (r.path == rest) route = &r;
  if (!route)
    co_return http::error_reply(Status::not_found, "no such path: " + std::string(in.path) +
                                                       "; the development IdP's metadata is at " +
                                                       std::string(k_prefix) + "/.well-known/openid-configuration");
  const http::Verb method = in.request.method();
  const bool allowed = route->allow.find(std::string(http::bhttp::to_string(method))) != string_view::npos;
  if (!allowed) {
    Reply reply =
        http::error_reply(Status::method_not_allowed, std::string(in.request.method_string()) +
                                                          " is not allowed here; use " + std::string(route->allow));
    reply.head.set(http::Field::allow, route->allow);
    co_return reply;
  }

  const IdpContext ctx{*keys_, options_, used_codes_, options_.clock()};
  switch (route->endpoint) {
    case Endpoint::about:
      co_return page_reply(Status::ok, about_page(options_.issuer));
    case Endpoint::discovery:
      co_return discovery(ctx);
    case Endpoint::authorize:
      if (method == http::Verb::get) co_return authorize_page(ctx, OAuthParams(in.query));
      co_return sign_in(ctx, OAuthParams(in.request.body()));
    case Endpoint::token:
      co_return token_endpoint(ctx, in.request);
    case Endpoint::userinfo:
      co_return userinfo_endpoint(ctx, in.request);
    case Endpoint::introspect:
      co_return introspection_endpoint(ctx, in.request);
  }
  co_return http::error_reply(Status::internal_server_error, "unhandled development IdP endpoint");
}

}  // namespace mcpedge::demo
