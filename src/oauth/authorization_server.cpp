// /authorize → consent → upstream IdP → /oauth/callback (→ organisation) → code; registration and discovery.
#include "oauth/authorization_server.hpp"
#include "oauth/endpoint_support.hpp"

#include "base/ascii.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "crypto/sealed_box.hpp"
#include "http/server.hpp"
#include "identity/pkce.hpp"
#include "oauth/redirect_uri.hpp"
#include "web/pages.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <spdlog/spdlog.h>

namespace mcpedge::oauth {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::system_clock;
using namespace detail;

namespace {

constexpr std::string_view k_auth_cookie = "__Host-mcpedge_auth";        // binds the IdP round trip to this browser
constexpr std::string_view k_session_cookie = "__Host-mcpedge_session";  // who signed in here before
constexpr std::string_view k_csrf_cookie = "__Host-mcpedge_csrf";        // the consent form's CSRF token
constexpr std::size_t k_max_registration_bytes = 16 * 1024;
// The client_id of a first-party sign-in (the /connect page): no OAuth client, no consent, no code.
constexpr std::string_view k_first_party_client = "mcpedge:first-party";

// The one value of `name`; OAuth parameters may not repeat (RFC 6749 §3.1).
struct ParamView {
  const Params& params;
  std::optional<std::string> get(std::string_view name) const { return param(params, name); }
  std::string value(std::string_view name) const { return get(name).value_or(""); }
  std::optional<std::string> repeated() const { return detail::repeated(params); }
};

bool covers(const std::vector<std::string>& granted, const std::vector<std::string>& wanted) {
  for (const auto& w : wanted)
    if (std::find(granted.begin(), granted.end(), w) == granted.end()) return false;
  return true;
}

std::string host_of(std::string_view uri) {
  auto parsed = boost::urls::parse_uri(uri);
  if (!parsed) return std::string(uri);
  std::string host(parsed->encoded_host());
  return host.empty() ? std::string(parsed->scheme()) + ":" : host;
}

// The CSP source that admits navigations to `uri`: its origin for http(s), its scheme otherwise
// (cursor:, vscode:). Form submissions are checked at every redirect that follows them, so the pages'
// form-action must name where the POST ends up: the IdP, or the client's redirect URI.
std::string csp_source(std::string_view uri) {
  auto parsed = boost::urls::parse_uri(uri);
  if (!parsed) return {};
  std::string scheme = ascii_lower(parsed->scheme());
  if (scheme == "http" || scheme == "https") return scheme + "://" + std::string(parsed->encoded_authority());
  return scheme + ":";
}

}  // namespace

json::object to_json(const SignIn& s) {
  json::object o{{"sub", s.who.subject}, {"name", s.who.name},          {"email", s.who.email},
                 {"org", s.org},         {"at", s.tokens.access_token}, {"rt", s.tokens.refresh_token}};
  if (s.tokens.expires_at) o["exp"] = unix_seconds(*s.tokens.expires_at);
  return o;
}

SignIn sign_in_from_json(const json::object& o) {
  SignIn s;
  s.who = identity::Identity{text_field(o, "sub"), text_field(o, "name"), text_field(o, "email"), {}};
  s.org = text_field(o, "org");
  s.tokens.access_token = text_field(o, "at");
  s.tokens.refresh_token = text_field(o, "rt");
  if (const auto* exp = o.if_contains("exp"); exp && exp->is_int64())
    s.tokens.expires_at = Clock::time_point(std::chrono::seconds(exp->as_int64()));
  return s;
}

AuthorizationServer::AuthorizationServer(AuthorizationServerParts parts) : p_(std::move(parts)) {}

http::Reply AuthorizationServer::page(http::Status status, std::string html, std::string form_action) const {
  return html_page(status, std::move(html), web::content_security_policy(form_action));
}

http::Reply AuthorizationServer::error_page(http::Status status, std::string error, std::string description) const {
  spdlog::info("authorization refused: {}: {}", error, description);
  return page(status, web::error_page(p_.product, error, description));
}

http::Reply AuthorizationServer::redirect_to_client(const std::string& redirect_uri, Params params,
                                                    const std::string& state) const {
  if (!state.empty()) params.emplace_back("state", state);
  params.emplace_back("iss", p_.server.issuer);  // RFC 9207, on errors too
  std::string location = redirect_uri;
  location += redirect_uri.find('?') == std::string::npos ? '?' : '&';
  location += identity::form_encode(params);
  http::Reply reply = no_store(http::make_reply(http::Status::found, "", "text/plain"));
  reply.head.set(http::Field::location, location);
  return reply;
}

void AuthorizationServer::mount(http::Router& router) {
  auto bind = [this](asio::awaitable<http::Reply> (AuthorizationServer::*method)(http::Incoming&)) {
    return [this, method](http::Incoming& in) { return (this->*method)(in); };
  };
  std::string resource_doc = protected_resource_metadata(p_.server);
  std::string as_doc = authorization_server_metadata(p_.server, false);
  std::string oidc_doc = authorization_server_metadata(p_.server, true);
  auto document = [](std::string body) {
    return [body](http::Incoming&) -> asio::awaitable<http::Reply> {
      http::Reply reply = http::json_reply(http::Status::ok, body);
      reply.head.set(http::Field::cache_control, "public, max-age=300");
      open_cors(reply);
      co_return reply;
    };
  };
  const std::string& mcp = p_.server.mcp_path;
  for (const std::string& path :
       {std::string("/.well-known/oauth-protected-resource"), "/.well-known/oauth-protected-resource" + mcp})
    router.exact_or_trailing_slash(http::Verb::get, path, document(resource_doc));
  for (const std::string& path :
       {std::string("/.well-known/oauth-authorization-server"), "/.well-known/oauth-authorization-server" + mcp})
    router.exact_or_trailing_slash(http::Verb::get, path, document(as_doc));
  for (const std::string& path : {std::string("/.well-known/openid-configuration"),
                                  "/.well-known/openid-configuration" + mcp, mcp + "/.well-known/openid-configuration"})
    router.exact_or_trailing_slash(http::Verb::get, path, document(oidc_doc));
  router.exact(http::Verb::get, "/authorize", bind(&AuthorizationServer::authorize))
      .exact(http::Verb::post, "/consent", bind(&AuthorizationServer::consent))
      .exact(http::Verb::get, "/oauth/callback", bind(&AuthorizationServer::callback))
      .exact(http::Verb::post, "/oauth/org", bind(&AuthorizationServer::choose_org))
      .exact(http::Verb::post, "/token", bind(&AuthorizationServer::token))
      .exact(http::Verb::post, "/revoke", bind(&AuthorizationServer::revoke));
  if (p_.server.registration) router.exact(http::Verb::post, "/register", bind(&AuthorizationServer::register_client));
  auto preflight = [](http::Incoming&) -> asio::awaitable<http::Reply> {
    http::Reply reply = http::make_reply(http::Status::no_content, "", "text/plain");
    open_cors(reply);
    reply.head.set(http::Field::access_control_allow_methods, "GET, POST, OPTIONS");
    reply.head.set(http::Field::access_control_allow_headers, "Authorization, Content-Type, MCP-Protocol-Version");
    reply.head.set(http::Field::access_control_max_age, "600");
    co_return reply;
  };
  for (const char* path : {"/token", "/register", "/revoke", "/.well-known/oauth-authorization-server",
                           "/.well-known/oauth-protected-resource", "/.well-known/openid-configuration"})
    router.exact(http::Verb::options, path, preflight);
  router.exact(http::Verb::options, "/.well-known/oauth-protected-resource" + mcp, preflight);
  router.exact(http::Verb::options, "/.well-known/oauth-authorization-server" + mcp, preflight);
}

asio::awaitable<Expected<RegisteredClient, ClientError>> AuthorizationServer::resolve_client(http::Incoming& in,
                                                                                             std::string client_id) {
  if (client_id.rfind("mcpc_", 0) == 0) {
    auto client = open_client(*p_.keys, client_id);
    if (!client) co_return Unexpected{client.error()};
    if (p_.revoked_clients.contains(client_id))
      co_return Unexpected{ClientError{"invalid_client", "this client has been revoked"}};
    co_return client;
  }
  if (is_cimd_client_id(client_id)) {
    if (auto cached = p_.cimd.find(client_id)) co_return *cached;
    asio::ip::tcp::resolver resolver(in.worker.executor());
    CimdFetchOptions options;
    options.allow_private = p_.config.auth.cimd_allow_private;
    options.allow_insecure = p_.config.auth.cimd_allow_private;
    auto fetched = co_await fetch_cimd(in.worker.client(), client_id, resolver, options);
    if (!fetched) co_return Unexpected{fetched.error()};
    p_.cimd.store(client_id, fetched->client, fetched->cache_lifetime);
    co_return fetched->client;
  }
  co_return Unexpected{ClientError{"invalid_client", "unknown client_id: register first (" + p_.server.issuer +
                                                         "/register) or use an "
                                                         "https URL of a client metadata document"}};
}

asio::awaitable<http::Reply> AuthorizationServer::register_client(http::Incoming& in) {
  const http::Request& req = in.request;
  OAuthError bad{http::Status::bad_request, "invalid_client_metadata", ""};
  http::Reply reply;
  boost::system::error_code ec;
  json::value body;
  if (req.body().size() > k_max_registration_bytes) {
    bad.description = "the registration request is " + std::to_string(req.body().size()) + " bytes; at most " +
                      std::to_string(k_max_registration_bytes) + " are accepted";
    reply = oauth_error(bad.status, bad.error, bad.description);
  } else if (std::string_view type = http::header(req, http::Field::content_type);
             ascii_lower(type).rfind("application/json", 0) != 0) {
    bad.description = "send the client metadata as Content-Type: application/json (RFC 7591 §3.1)";
    reply = oauth_error(bad.status, bad.error, bad.description);
  } else if (body = json::parse(req.body(), ec); ec || !body.is_object()) {
    bad.description = "the body must be a JSON object of client metadata (RFC 7591 §2)";
    reply = oauth_error(bad.status, bad.error, bad.description);
  } else {
    RegistrationOptions options;
    options.allow_insecure_web_loopback = p_.config.auth.allow_insecure_loopback_redirects;
    auto registered = oauth::register_client(*p_.keys, body, Clock::now(), options);
    if (!registered) {
      reply = oauth_error(http::Status::bad_request, registered.error().error, registered.error().error_description);
    } else {
      reply = no_store(http::json_reply(http::Status::created, json::serialize(registered->body)));
      spdlog::info("registered client \"{}\" ({})", registered->client.client_name,
                   to_string(registered->client.application_type));
    }
  }
  open_cors(reply);
  co_return reply;
}

// --- /authorize ------------------------------------------------------------------------------------

asio::awaitable<http::Reply> AuthorizationServer::authorize(http::Incoming& in) {
  auto parsed = http::form_params(in.query);
  if (!parsed) co_return error_page(http::Status::bad_request, "invalid_request", "The request's query is malformed.");
  ParamView q{*parsed};
  if (auto twice = q.repeated())
    co_return error_page(http::Status::bad_request, "invalid_request", "The parameter " + *twice + " appears twice.");
  std::string client_id = q.value("client_id");
  if (client_id.empty())
    co_return error_page(http::Status::bad_request, "invalid_request", "The request has no client_id.");
  auto client = co_await resolve_client(in, client_id);
  if (!client) co_return error_page(http::Status::bad_request, client.error().error, client.error().error_description);

  // Until the redirect URI is known to be the client's, errors are shown here, never redirected
  // (RFC 6749 §4.1.2.1).
  std::string redirect_uri = q.value("redirect_uri");
  if (redirect_uri.empty()) {
    if (client->redirect_uris.size() != 1)
      co_return error_page(http::Status::bad_request, "invalid_request",
                           "The request has no redirect_uri and the client registered several.");
    redirect_uri = client->redirect_uris.front();
  } else if (!redirect_allowed(*client, redirect_uri)) {
    co_return error_page(http::Status::bad_request, "invalid_request",
                         "The redirect_uri " + redirect_uri + " is not one that " +
                             (client->client_name.empty() ? std::string("this client") : client->client_name) +
                             " registered; it must match exactly.");
  }
  std::string state = q.value("state");
  auto refuse = [&](std::string error, std::string description) {
    spdlog::info("authorization refused for {}: {}: {}", client->client_name, error, description);
    return redirect_to_client(redirect_uri,
                              {{"error", std::move(error)}, {"error_description", std::move(description)}}, state);
  };
  if (q.value("response_type") != "code") co_return refuse("unsupported_response_type", "response_type must be code");
  std::string challenge = q.value("code_challenge");
  std::string method = q.get("code_challenge_method").value_or("plain");
  if (challenge.empty()) co_return refuse("invalid_request", "code_challenge is required (PKCE with S256)");
  if (method != "S256") co_return refuse("invalid_request", "code_challenge_method must be S256, got " + method);
  if (!identity::is_valid_s256_challenge(challenge))
    co_return refuse("invalid_request", "code_challenge must be 43 base64url characters (BASE64URL(SHA256(verifier)))");

  std::string resource = p_.server.resource();
  if (auto asked = q.get("resource")) {
    std::string normal = *asked;
    if (auto url = boost::urls::parse_absolute_uri(*asked)) {
      normal =
          ascii_lower(url->scheme()) + "://" + ascii_lower(url->encoded_authority()) + std::string(url->encoded_path());
      while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    }
    if (normal != resource && normal != p_.server.issuer)
      co_return refuse("invalid_target", "resource must be " + resource + " (this server's MCP endpoint)");
  }
  std::vector<std::string> scopes;
  for (auto& scope : mcp::split_scopes(q.value("scope"))) {
    if (scope == "offline_access") continue;  // refresh tokens are issued to clients that registered the grant
    bool known = false;
    for (const auto& offered : p_.config.auth.scopes)
      known = known || offered == scope || scope.rfind(offered + ":", 0) == 0;
    if (!known)
      co_return refuse("invalid_scope",
                       "unknown scope " + scope + "; this server offers " + mcp::join_scopes(p_.config.auth.scopes));
    if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) scopes.push_back(scope);
  }
  if (scopes.empty()) scopes = p_.config.auth.scopes;

  PendingAuthorization pending;
  pending.client_id = client->client_id;
  pending.redirect_uri = redirect_uri;
  pending.client_state = state;
  pending.code_challenge = challenge;
  pending.resource = resource;
  pending.scope = mcp::join_scopes(scopes);
  pending.expires_at = Clock::now() + p_.config.auth.login_ttl;

  // A browser that signed in before and already approved this client for this redirect URI and these
  // scopes goes straight to the IdP.
  std::string signed_in_as;
  if (auto session = http::cookie(in.request, k_session_cookie)) {
    auto opened = crypto::open(*p_.keys, crypto::Purpose::browser_session, *session);
    boost::system::error_code ec;
    json::value who = opened ? json::parse(*opened, ec) : json::value();
    if (opened && !ec && who.is_object()) {
      std::string subject(who.as_object().at("sub").as_string());
      signed_in_as = std::string(who.as_object().at("name").as_string());
      if (signed_in_as.empty()) signed_in_as = subject;
      auto remembered = co_await p_.store.find_consent(subject, client->client_id);
      if (remembered && *remembered && (*remembered)->redirect_uri == redirect_uri &&
          covers(mcp::split_scopes((*remembered)->scopes), scopes)) {
        pending.consented_subject = subject;
        co_return co_await start_upstream(in, std::move(pending));
      }
    }
  }
  co_await p_.idp.metadata(in.worker.client());  // so the page's form-action can name the IdP
  co_return consent_page(in, *client, pending, signed_in_as);
}

http::Reply AuthorizationServer::consent_page(http::Incoming& in, const RegisteredClient& client,
                                              const PendingAuthorization& pending, const std::string& signed_in_as) {
  (void)in;
  std::string csrf = crypto::random_token(24);
  web::ConsentView view;
  view.product = p_.product;
  view.client_name = client.client_name.empty() ? host_of(pending.redirect_uri) : client.client_name;
  view.redirect_uri = pending.redirect_uri;
  view.redirect_host = host_of(pending.redirect_uri);
  view.localhost_only = !client.redirect_uris.empty();
  for (const auto& uri : client.redirect_uris) {
    auto kind = classify_redirect_uri(uri);
    view.localhost_only = view.localhost_only && kind && *kind == RedirectUriKind::loopback_http;
  }
  view.metadata_document = client.kind == ClientKind::metadata_document;
  view.client_id_display = client.client_id;
  view.scopes = mcp::split_scopes(pending.scope);
  view.signed_in_as = signed_in_as;
  PendingAuthorization request = pending;
  request.consented_subject.clear();
  view.hidden = {{"request", seal_pending_authorization(*p_.keys, request)}, {"csrf", csrf}};
  std::string targets = "'self' " + csp_source(pending.redirect_uri);
  if (auto metadata = p_.idp.cached_metadata()) targets += " " + csp_source(metadata->authorization_endpoint);
  http::Reply reply = page(http::Status::ok, web::consent_page(view), targets);
  reply.head.insert(http::Field::set_cookie, set_cookie(k_csrf_cookie, csrf, p_.config.auth.login_ttl, "Strict"));
  return reply;
}

asio::awaitable<http::Reply> AuthorizationServer::consent(http::Incoming& in) {
  auto parsed = http::form_params(in.request.body());
  if (!parsed) co_return error_page(http::Status::bad_request, "invalid_request", "The consent form is malformed.");
  ParamView form{*parsed};
  auto cookie = http::cookie(in.request, k_csrf_cookie);
  std::string token = form.value("csrf");
  if (!cookie || cookie->empty() || token.empty() || !crypto::constant_time_equal(*cookie, token) ||
      !same_origin_post(in.request, p_.server.issuer)) {
    co_return error_page(http::Status::forbidden, "invalid_request",
                         "The consent form did not come from this page in this browser (CSRF check failed).");
  }
  auto pending = open_pending_authorization(*p_.keys, form.value("request"));
  if (!pending)
    co_return error_page(
        http::Status::bad_request, "invalid_request",
        pending.error() == TokenError::expired ? "The consent page has expired." : "The consent form was altered.");
  std::string decision = form.value("decision");
  if (decision == "deny") {
    http::Reply reply = redirect_to_client(
        pending->redirect_uri, {{"error", "access_denied"}, {"error_description", "the user denied the request"}},
        pending->client_state);
    reply.head.insert(http::Field::set_cookie, set_cookie(k_csrf_cookie, "", std::chrono::seconds(0), "Strict"));
    co_return reply;
  }
  if (decision != "approve")
    co_return error_page(http::Status::bad_request, "invalid_request", "Choose Approve or Deny.");
  http::Reply reply = co_await start_upstream(in, std::move(*pending));
  reply.head.insert(http::Field::set_cookie, set_cookie(k_csrf_cookie, "", std::chrono::seconds(0), "Strict"));
  co_return reply;
}

asio::awaitable<http::Reply> AuthorizationServer::start_upstream(http::Incoming& in, PendingAuthorization pending) {
  auto metadata = co_await p_.idp.metadata(in.worker.client());
  if (!metadata) {
    spdlog::error("upstream IdP: {}", metadata.error().message);
    co_return error_page(http::Status::bad_gateway, "temporarily_unavailable",
                         "The sign-in provider cannot be reached right now; try again in a minute.");
  }
  identity::PkcePair pkce = identity::make_pkce_pair();
  std::string binding = crypto::random_token(32);
  pending.upstream_verifier = pkce.verifier;
  pending.browser_binding = hash(binding);
  pending.nonce = crypto::random_token(16);
  pending.expires_at = Clock::now() + p_.config.auth.login_ttl;
  std::string state = seal_pending_authorization(*p_.keys, pending);
  http::Reply reply = no_store(http::make_reply(http::Status::found, "", "text/plain"));
  reply.head.set(http::Field::location, p_.idp.authorize_url(**metadata, state, pkce.challenge, pending.nonce));
  // Set only now, after consent (best-practices: no state cookie before the user approves).
  reply.head.insert(http::Field::set_cookie, set_cookie(k_auth_cookie, binding, p_.config.auth.login_ttl));
  co_return reply;
}

// --- The IdP's callback ---------------------------------------------------------------------------

asio::awaitable<http::Reply> AuthorizationServer::callback(http::Incoming& in) {
  auto parsed = http::form_params(in.query);
  if (!parsed) co_return error_page(http::Status::bad_request, "invalid_request", "The callback's query is malformed.");
  ParamView q{*parsed};
  std::string state = q.value("state");
  if (state.empty())
    co_return error_page(http::Status::bad_request, "invalid_request", "The sign-in provider sent no state.");
  auto pending = open_pending_authorization(*p_.keys, state);
  if (!pending)
    co_return error_page(http::Status::bad_request, "invalid_request",
                         pending.error() == TokenError::expired
                             ? "The sign-in took too long and has expired."
                             : "The sign-in state is not one this server issued (tampered or from another server).");
  auto binding = http::cookie(in.request, k_auth_cookie);
  if (!binding || !crypto::constant_time_equal(hash(*binding), pending->browser_binding))
    co_return error_page(http::Status::bad_request, "invalid_request",
                         "This sign-in was started in another browser, or its cookie was lost.");
  std::string state_key = "state:" + hash(state);
  auto fresh =
      co_await p_.store.mark_code_used(state_key, unix_seconds(pending->expires_at), unix_seconds(Clock::now()));
  if (!fresh)
    co_return error_page(http::Status::service_unavailable, "temporarily_unavailable", "The store is unavailable.");
  if (!*fresh)
    co_return error_page(http::Status::bad_request, "invalid_request", "This sign-in response was already used.");
  if (auto iss = q.get("iss"); iss && *iss != p_.idp.config().issuer)
    co_return error_page(http::Status::bad_request, "invalid_request",
                         "The response names another issuer (" + *iss + "); it is not from the configured IdP.");
  if (auto error = q.get("error")) {
    std::string code = *error == "access_denied" || *error == "temporarily_unavailable" ? *error : "access_denied";
    co_return redirect_to_client(
        pending->redirect_uri,
        {{"error", code}, {"error_description", "sign-in at the identity provider ended: " + *error}},
        pending->client_state);
  }
  std::string code = q.value("code");
  if (code.empty())
    co_return redirect_to_client(
        pending->redirect_uri, {{"error", "server_error"}, {"error_description", "the identity provider sent no code"}},
        pending->client_state);
  auto tokens = co_await p_.idp.exchange_code(in.worker.client(), code, pending->upstream_verifier);
  if (!tokens) {
    spdlog::warn("upstream code exchange failed: {}", tokens.error().message);
    co_return redirect_to_client(
        pending->redirect_uri,
        {{"error", "server_error"}, {"error_description", "the identity provider refused the sign-in"}},
        pending->client_state);
  }
  auto who = co_await p_.idp.identify(in.worker.client(), *tokens, pending->nonce);
  if (!who) {
    spdlog::warn("upstream identity refused: {}", who.error().message);
    co_return redirect_to_client(
        pending->redirect_uri,
        {{"error", "server_error"}, {"error_description", "the user's identity could not be verified"}},
        pending->client_state);
  }
  if (!pending->consented_subject.empty() && pending->consented_subject != who->subject) {
    // A different user than the one who approved before: ask this one.
    auto client = co_await resolve_client(in, pending->client_id);
    if (!client)
      co_return error_page(http::Status::bad_request, client.error().error, client.error().error_description);
    co_return consent_page(in, *client, *pending, who->name.empty() ? who->subject : who->name);
  }
  if (who->orgs.size() > 1) {
    SignIn pending_choice{identity::Identity{who->subject, who->name, who->email, {}}, "", *tokens};
    json::object login = to_json(pending_choice);
    login["state"] = state;
    json::array orgs;
    std::vector<web::OrgChoice> choices;
    for (const auto& org : who->orgs) {
      orgs.push_back(json::object{{"id", org.id}, {"name", org.name}});
      choices.push_back({org.id, org.name});
    }
    login["orgs"] = std::move(orgs);
    std::string sealed =
        crypto::seal(*p_.keys, crypto::Purpose::upstream_state, json::serialize(login), pending->expires_at);
    std::string client_name = p_.product;
    if (pending->client_id != k_first_party_client) {
      auto client = co_await resolve_client(in, pending->client_id);
      client_name = client && !client->client_name.empty() ? client->client_name : host_of(pending->redirect_uri);
    }
    co_return page(http::Status::ok,
                   web::org_picker_page(p_.product, who->name.empty() ? who->subject : who->name, client_name, choices,
                                        {{"login", sealed}}),
                   "'self' " + csp_source(pending->redirect_uri));
  }
  std::string org = who->orgs.empty() ? std::string() : who->orgs.front().id;
  co_return co_await finish(in, std::move(*pending), std::move(*who), std::move(org), std::move(*tokens));
}

asio::awaitable<http::Reply> AuthorizationServer::choose_org(http::Incoming& in) {
  auto parsed = http::form_params(in.request.body());
  if (!parsed) co_return error_page(http::Status::bad_request, "invalid_request", "The form is malformed.");
  ParamView form{*parsed};
  auto opened = crypto::open(*p_.keys, crypto::Purpose::upstream_state, form.value("login"));
  boost::system::error_code ec;
  json::value login = opened ? json::parse(*opened, ec) : json::value();
  if (!opened || ec || !login.is_object())
    co_return error_page(http::Status::bad_request, "invalid_request", "The organisation form expired or was altered.");
  const json::object& l = login.as_object();
  auto pending = open_pending_authorization(*p_.keys, text_field(l, "state"));
  auto binding = http::cookie(in.request, k_auth_cookie);
  if (!pending || !binding || !crypto::constant_time_equal(hash(*binding), pending->browser_binding))
    co_return error_page(http::Status::bad_request, "invalid_request",
                         "This sign-in was started in another browser, or it has expired.");
  std::string chosen = form.value("org");
  SignIn signed_in = sign_in_from_json(l);
  identity::Identity& who = signed_in.who;
  bool member = false;
  for (const auto& org : l.at("orgs").as_array()) {
    std::string id(org.as_object().at("id").as_string());
    member = member || id == chosen;
    who.orgs.push_back({id, std::string(org.as_object().at("name").as_string())});
  }
  if (!member) co_return error_page(http::Status::bad_request, "invalid_request", "Choose one of your organisations.");
  co_return co_await finish(in, std::move(*pending), std::move(who), std::move(chosen), std::move(signed_in.tokens));
}

asio::awaitable<http::Reply> AuthorizationServer::sign_in(http::Incoming& in, std::string return_path) {
  PendingAuthorization pending;
  pending.client_id = std::string(k_first_party_client);
  pending.redirect_uri = p_.server.issuer + return_path;
  pending.resource = p_.server.resource();
  pending.scope = mcp::join_scopes(p_.config.auth.scopes);
  pending.expires_at = Clock::now() + p_.config.auth.login_ttl;
  co_return co_await start_upstream(in, std::move(pending));
}

asio::awaitable<store::Result<std::int64_t>> AuthorizationServer::revoke_client(std::string subject,
                                                                                std::string client_id) {
  auto grants = co_await p_.store.list_grants(subject, client_id, unix_seconds(Clock::now()));
  if (!grants) co_return Unexpected{grants.error()};
  for (const auto& grant : *grants) co_await revoke_grant(grant.id);
  // Families of grants recorded before the grants table existed.
  auto families = co_await p_.store.revoke_grant(subject, client_id);
  auto forgotten = co_await p_.store.forget_grants(subject, client_id);
  auto consent = co_await p_.store.delete_consent(subject, client_id);
  if (!families) co_return Unexpected{families.error()};
  if (!forgotten) co_return Unexpected{forgotten.error()};
  if (!consent) co_return Unexpected{consent.error()};
  spdlog::info("user {} revoked client {}: {} grant(s)", subject, client_id, grants->size());
  co_return static_cast<std::int64_t>(grants->size());
}

asio::awaitable<http::Reply> AuthorizationServer::finish(http::Incoming& in, PendingAuthorization pending,
                                                         identity::Identity who, std::string org,
                                                         identity::IdpTokens tokens) {
  if (pending.client_id == k_first_party_client) {
    http::Reply reply;
    if (sign_in_handler_) {
      SignIn done{std::move(who), std::move(org), std::move(tokens)};
      reply = co_await sign_in_handler_(in, std::move(done));
    } else {
      reply = error_page(http::Status::not_found, "invalid_request", "This server has no sign-in page.");
    }
    reply.head.insert(http::Field::set_cookie, set_cookie(k_auth_cookie, "", std::chrono::seconds(0)));
    co_return reply;
  }
  auto grant = co_await p_.grants.obtain(in.worker.client(), who, org, std::move(tokens));
  if (!grant) {
    spdlog::warn("upstream credential for {}: {}", who.subject, grant.error().message);
    co_return redirect_to_client(
        pending.redirect_uri,
        {{"error", "server_error"}, {"error_description", "the API credential for this user could not be obtained"}},
        pending.client_state);
  }
  auto now = Clock::now();
  std::string grant_id = crypto::random_token(24);
  auto keep_until = now + p_.config.auth.refresh_token_ttl;
  auto saved = co_await p_.grants.save(grant_id, *grant, keep_until);
  store::Grant listed{grant_id, who.subject, pending.client_id, unix_seconds(now), unix_seconds(keep_until)};
  auto recorded = co_await p_.store.record_grant(std::move(listed));
  auto client = co_await resolve_client(in, pending.client_id);
  std::string client_name =
      client && !client->client_name.empty() ? client->client_name : host_of(pending.redirect_uri);
  // A named value, not a braced temporary: g++ 12 destroys an aggregate prvalue argument of a
  // coroutine twice (seen under ASan).
  store::Consent decision{who.subject,          pending.client_id, client_name,
                          pending.redirect_uri, pending.scope,     unix_seconds(now)};
  auto consented = co_await p_.store.save_consent(std::move(decision));
  if (!saved || !consented || !recorded) {
    spdlog::error("store: {}", !saved       ? saved.error().message
                               : !consented ? consented.error().message
                                            : recorded.error().message);
    co_return redirect_to_client(
        pending.redirect_uri, {{"error", "temporarily_unavailable"}, {"error_description", "the store is unavailable"}},
        pending.client_state);
  }
  AuthorizationCode code;
  code.client_id = pending.client_id;
  code.redirect_uri = pending.redirect_uri;
  code.code_challenge = pending.code_challenge;
  code.resource = pending.resource;
  code.scope = pending.scope;
  code.subject = who.subject;
  code.org = org;
  code.credential_ref = grant_id;
  code.id = crypto::random_token(18);
  code.expires_at = now + p_.config.auth.code_ttl;
  spdlog::info("authorized client \"{}\" for user {} (org {})", client_name, who.subject, org.empty() ? "-" : org);
  http::Reply reply = redirect_to_client(pending.redirect_uri, {{"code", seal_authorization_code(*p_.keys, code)}},
                                         pending.client_state);
  json::object session{{"sub", who.subject}, {"name", who.name}};
  if (p_.config.auth.browser_session_ttl.count() > 0) {
    reply.head.insert(http::Field::set_cookie,
                      set_cookie(k_session_cookie,
                                 crypto::seal(*p_.keys, crypto::Purpose::browser_session, json::serialize(session),
                                              now + p_.config.auth.browser_session_ttl),
                                 p_.config.auth.browser_session_ttl));
  }
  reply.head.insert(http::Field::set_cookie, set_cookie(k_auth_cookie, "", std::chrono::seconds(0)));
  co_return reply;
}

}  // namespace mcpedge::oauth
