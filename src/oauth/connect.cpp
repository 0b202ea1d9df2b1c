// /connect: sign-in, the page, personal access tokens, connected clients.
#include "oauth/connect.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "crypto/sealed_box.hpp"
#include "http/server.hpp"
#include "oauth/endpoint_support.hpp"
#include "web/client_cards.hpp"
#include "web/connect_page.hpp"
#include "web/pages.hpp"

#include <boost/json.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <ctime>

namespace mcpedge::oauth {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::system_clock;
using namespace detail;

namespace {

constexpr std::string_view k_cookie = "__Host-mcpedge_connect";
constexpr std::size_t k_max_token_name = 80;

std::string login_key(std::string_view session_id) { return "connect:" + std::string(session_id); }

// "2026-11-25 14:03 UTC", or `none` when there is no time.
std::string when(std::optional<store::UnixTime> t, std::string_view none = "never") {
  if (!t) return std::string(none);
  std::time_t seconds = static_cast<std::time_t>(*t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &utc);
  return buffer;
}

std::string notice_text(std::string_view code) {
  if (code == "token-revoked") return "The token was revoked: it no longer works.";
  if (code == "client-revoked") return "The client was signed out: its next request is refused.";
  if (code == "signed-out") return "You are signed out.";
  return {};
}

std::vector<int> token_days(const config::ConnectConfig& c) {
  std::vector<int> days;
  for (int d : {7, 30, 90, 365})
    if (d <= c.max_token_days) days.push_back(d);
  if (std::find(days.begin(), days.end(), c.max_token_days) == days.end()) days.push_back(c.max_token_days);
  return days;
}

}  // namespace

ConnectPage::ConnectPage(ConnectParts parts) : p_(std::move(parts)) {
  p_.authorization.on_sign_in([this](http::Incoming& in, SignIn result) { return signed_in(in, std::move(result)); });
}

void ConnectPage::mount(http::Router& router) {
  auto bind = [this](asio::awaitable<http::Reply> (ConnectPage::*method)(http::Incoming&)) {
    return [this, method](http::Incoming& in) { return (this->*method)(in); };
  };
  auto asset = [](std::string body, std::string type) {
    return [body, type](http::Incoming&) -> asio::awaitable<http::Reply> {
      http::Reply reply = http::make_reply(http::Status::ok, body, type);
      reply.head.set(http::Field::cache_control, "public, max-age=300");
      reply.head.set("X-Content-Type-Options", "nosniff");
      // An SVG opened on its own is a document: it gets no script either.
      reply.head.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
      co_return reply;
    };
  };
  router.exact_or_trailing_slash(http::Verb::get, "/connect", bind(&ConnectPage::show))
      .exact(http::Verb::get, "/connect/signin", bind(&ConnectPage::sign_in))
      .exact(http::Verb::post, "/connect/tokens", bind(&ConnectPage::create_token))
      .exact(http::Verb::post, "/connect/tokens/revoke", bind(&ConnectPage::revoke_token))
      .exact(http::Verb::post, "/connect/clients/revoke", bind(&ConnectPage::revoke_client))
      .exact(http::Verb::post, "/connect/signout", bind(&ConnectPage::sign_out))
      .exact(http::Verb::get, "/connect/assets/connect.css",
             asset(std::string(web::connect_stylesheet()), "text/css; charset=utf-8"))
      .exact(http::Verb::get, "/connect/assets/connect.js",
             asset(std::string(web::connect_script()), "text/javascript; charset=utf-8"));
  if (!p_.config.connect.logo_bytes.empty())
    router.exact(http::Verb::get, "/connect/logo", asset(p_.config.connect.logo_bytes, p_.config.connect.logo_type));
}

std::chrono::seconds ConnectPage::session_ttl() const {
  auto ttl = p_.config.auth.browser_session_ttl;
  return ttl.count() > 0 ? ttl : std::chrono::seconds(8 * 3600);
}

http::Reply ConnectPage::page(http::Status status, std::string html) const {
  return html_page(status, std::move(html), web::connect_content_security_policy());
}

// Refusals use the authorization server's error page (its own inline style and CSP).
http::Reply ConnectPage::error_page(http::Status status, std::string why) const {
  return html_page(status, web::error_page(p_.config.connect.product, "invalid_request", why),
                   web::content_security_policy());
}

http::Reply ConnectPage::see_other(std::string location) const {
  http::Reply reply = no_store(http::make_reply(http::Status::see_other, "", "text/plain"));
  reply.head.set(http::Field::location, std::move(location));
  return reply;
}

std::optional<ConnectPage::Session> ConnectPage::session(const http::Request& request) const {
  auto cookie = http::cookie(request, k_cookie);
  if (!cookie || cookie->empty()) return std::nullopt;
  auto opened = crypto::open(*p_.keys, crypto::Purpose::connect_session, *cookie);
  if (!opened) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*opened, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  Session s{text_field(o, "sid"), text_field(o, "sub"), text_field(o, "name"), text_field(o, "org"),
            text_field(o, "csrf")};
  if (s.id.empty() || s.subject.empty() || s.csrf.empty()) return std::nullopt;
  return s;
}

Expected<std::pair<ConnectPage::Session, ConnectPage::Form>, http::Reply> ConnectPage::posted(
    const http::Incoming& in) const {
  auto refuse = [this](http::Status status, std::string why) {
    spdlog::info("connect page: refused a form: {}", why);
    return Unexpected{error_page(status, why)};
  };
  auto who = session(in.request);
  if (!who) return refuse(http::Status::unauthorized, "Your sign-in on this page has expired. Sign in again.");
  auto form = http::form_params(in.request.body());
  if (!form) return refuse(http::Status::bad_request, "The form is malformed.");
  std::string token = param(*form, "csrf").value_or("");
  if (token.empty() || !crypto::constant_time_equal(token, who->csrf) ||
      !same_origin_post(in.request, p_.server.issuer))
    return refuse(http::Status::forbidden, "The form did not come from this page in this browser (CSRF check failed).");
  return std::pair{std::move(*who), std::move(*form)};
}

asio::awaitable<http::Reply> ConnectPage::sign_in(http::Incoming& in) {
  co_return co_await p_.authorization.sign_in(in, "/connect");
}

asio::awaitable<http::Reply> ConnectPage::signed_in(http::Incoming& in, SignIn result) {
  (void)in;
  auto now = Clock::now();
  Session s{crypto::random_token(18), result.who.subject, result.who.name, result.org, crypto::random_token(24)};
  std::string org_name = s.org;
  for (const auto& org : result.who.orgs)
    if (org.id == s.org && !org.name.empty()) org_name = org.name;
  // What creating a token needs later (the identity and the IdP's tokens), kept server-side.
  json::object login = to_json(result);
  auto until = now + session_ttl();
  std::string sealed = crypto::seal(*p_.keys, crypto::Purpose::at_rest, json::serialize(login), until);
  auto saved = co_await p_.store.put_upstream_credential(login_key(s.id), std::move(sealed), unix_seconds(until));
  if (!saved) {
    spdlog::error("connect page: {}", saved.error().message);
    co_return see_other("/connect?error=temporarily_unavailable");
  }
  json::object cookie{{"sid", s.id},
                      {"sub", s.subject},
                      {"name", s.name.empty() ? s.subject : s.name},
                      {"org", org_name},
                      {"csrf", s.csrf}};
  http::Reply reply = see_other("/connect");
  reply.head.insert(
      http::Field::set_cookie,
      set_cookie(k_cookie, crypto::seal(*p_.keys, crypto::Purpose::connect_session, json::serialize(cookie), until),
                 session_ttl()));
  spdlog::info("connect page: {} signed in", s.subject);
  co_return reply;
}

asio::awaitable<http::Reply> ConnectPage::show(http::Incoming& in) {
  const config::ConnectConfig& c = p_.config.connect;
  web::ConnectView view;
  view.product = c.product;
  view.intro = c.intro;
  view.help_url = c.help_url;
  view.has_logo = !c.logo_bytes.empty();
  view.mcp_url = p_.server.resource();
  auto query = http::form_params(in.query).value_or(Form{});
  view.notice = notice_text(param(query, "notice").value_or(""));
  if (auto error = param(query, "error")) {
    std::string description = param(query, "error_description").value_or(*error);
    view.error = "Sign-in did not complete: " + description + ".";
  }
  auto who = session(in.request);
  if (!who) co_return page(http::Status::ok, web::connect_page(view));
  view.signed_in = true;
  view.user = who->name;
  view.org = who->org;
  view.csrf = who->csrf;
  view.personal_tokens = c.personal_tokens;
  view.token_days = token_days(c);
  view.default_token_days = std::find(view.token_days.begin(), view.token_days.end(), 30) != view.token_days.end()
                                ? 30
                                : view.token_days.front();
  view.allow_no_expiry = c.allow_tokens_without_expiry;
  web::CardInputs inputs{view.mcp_url, c.server_key, c.product, c.personal_tokens};
  view.cards = web::client_cards(inputs, c.clients);
  auto now = unix_seconds(Clock::now());
  if (c.personal_tokens) {
    auto tokens = co_await p_.tokens.list(who->subject);
    if (!tokens) {
      view.error = "Your tokens cannot be listed right now; try again shortly.";
    } else {
      for (const auto& t : *tokens)
        view.tokens.push_back(
            {t.id, t.name, when(t.created_at), when(t.expires_at), when(t.last_used, "not yet"), t.expired_at(now)});
    }
  }
  auto consents = co_await p_.store.list_consents(who->subject);
  if (!consents) {
    view.error = "Your connected clients cannot be listed right now; try again shortly.";
  } else {
    for (const auto& consent : *consents)
      view.clients.push_back({consent.client_id, consent.client_name, consent.redirect_uri,
                              when(consent.first_used, "not yet"), when(consent.last_used, "not yet")});
  }
  co_return page(http::Status::ok, web::connect_page(view));
}

asio::awaitable<http::Reply> ConnectPage::create_token(http::Incoming& in) {
  auto form = posted(in);
  if (!form) co_return std::move(form.error());
  auto& [who, fields] = *form;
  const config::ConnectConfig& c = p_.config.connect;
  if (!c.personal_tokens) co_return see_other("/connect");
  std::string name = param(fields, "name").value_or("");
  while (!name.empty() && name.back() == ' ') name.pop_back();
  while (!name.empty() && name.front() == ' ') name.erase(0, 1);
  auto refuse = [this](std::string why) {
    return error_page(http::Status::bad_request, why + " Go back and try again.");
  };
  if (name.empty() || name.size() > k_max_token_name)
    co_return refuse("Give the token a name of 1 to " + std::to_string(k_max_token_name) + " characters.");
  std::string expiry = param(fields, "expires_in_days").value_or("");
  std::optional<Clock::time_point> expires;
  auto now = Clock::now();
  if (expiry == "never") {
    if (!c.allow_tokens_without_expiry) co_return refuse("Tokens on this server must expire.");
  } else {
    int days = 0;
    auto [end, ec] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), days);
    if (ec != std::errc{} || end != expiry.data() + expiry.size() || days < 1 || days > c.max_token_days)
      co_return refuse("Choose an expiry between 1 and " + std::to_string(c.max_token_days) + " days.");
    expires = now + std::chrono::hours(24 * days);
  }
  auto stored = co_await p_.store.get_upstream_credential(login_key(who.id));
  std::optional<std::string> opened;
  if (stored && *stored) {
    if (auto text = crypto::open(*p_.keys, crypto::Purpose::at_rest, (*stored)->ciphertext)) opened = std::move(*text);
  }
  boost::system::error_code ec;
  json::value login = opened ? json::parse(*opened, ec) : json::value();
  if (!opened || ec || !login.is_object())
    co_return see_other("/connect?error=login_required&error_description=sign+in+again+to+create+a+token");
  SignIn signed_in = sign_in_from_json(login.as_object());
  auto grant = co_await p_.grants.obtain(in.worker.client(), std::move(signed_in.who), std::move(signed_in.org),
                                         std::move(signed_in.tokens));
  if (!grant) {
    spdlog::warn("connect page: upstream credential for a token of {}: {}", who.subject, grant.error().message);
    co_return see_other(
        "/connect?error=server_error&error_description=the+API+credential+for+the+token+could+not+"
        "be+obtained%3B+sign+in+again");
  }
  auto created = co_await p_.tokens.create(std::move(name), expires, std::move(*grant));
  if (!created) {
    spdlog::error("connect page: {}", created.error().message);
    co_return see_other("/connect?error=temporarily_unavailable");
  }
  // The secret travels only in the fragment, which the browser never sends back (nor logs in Referer).
  co_return see_other("/connect#api_key=" + created->token);
}

asio::awaitable<http::Reply> ConnectPage::revoke_token(http::Incoming& in) {
  auto form = posted(in);
  if (!form) co_return std::move(form.error());
  auto& [who, fields] = *form;
  auto revoked = co_await p_.tokens.revoke(param(fields, "id").value_or(""), who.subject);
  if (!revoked) co_return see_other("/connect?error=temporarily_unavailable");
  co_return see_other(*revoked ? "/connect?notice=token-revoked" : "/connect");
}

asio::awaitable<http::Reply> ConnectPage::revoke_client(http::Incoming& in) {
  auto form = posted(in);
  if (!form) co_return std::move(form.error());
  auto& [who, fields] = *form;
  auto revoked = co_await p_.authorization.revoke_client(who.subject, param(fields, "client_id").value_or(""));
  if (!revoked) {
    spdlog::error("connect page: {}", revoked.error().message);
    co_return see_other("/connect?error=temporarily_unavailable");
  }
  co_return see_other("/connect?notice=client-revoked");
}

asio::awaitable<http::Reply> ConnectPage::sign_out(http::Incoming& in) {
  auto form = posted(in);
  if (!form) co_return std::move(form.error());
  co_await p_.store.remove_upstream_credential(login_key(form->first.id));
  http::Reply reply = see_other("/connect?notice=signed-out");
  reply.head.insert(http::Field::set_cookie, set_cookie(k_cookie, "", std::chrono::seconds(0)));
  co_return reply;
}

}  // namespace mcpedge::oauth
