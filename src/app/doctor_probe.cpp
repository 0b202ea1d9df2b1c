// The doctor's replay: 401 challenge, PRM, AS metadata, registration, /authorize and CORS, per client.
#include "app/doctor_probe.hpp"

#include "identity/pkce.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <map>

namespace mcpedge::app::doctor {

namespace asio = boost::asio;
namespace json = boost::json;

bool ProfileReport::ready() const {
  return std::none_of(checks.begin(), checks.end(), [](const Check& c) { return c.outcome == Outcome::fail; });
}

namespace {

using Fetched = Expected<http::OutboundResponse, http::OutboundError>;

std::string describe(const Fetched& got) {
  if (!got) return std::string("no answer (") + http::to_string(got.error().kind) + ": " + got.error().message + ")";
  return "HTTP " + std::to_string(got->status);
}

bool ok_status(const Fetched& got) { return got && got->status >= 200 && got->status < 300; }

// The first line of an error body: the OAuth error and its description when it is JSON.
std::string body_hint(const http::OutboundResponse& r) {
  if (auto doc = parse_object(r.body)) {
    std::string error = string_field(*doc, "error");
    std::string description = string_field(*doc, "error_description");
    if (!error.empty()) return error + (description.empty() ? "" : ": " + description);
  }
  std::string text = r.body.substr(0, 120);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// What a 2025-era client POSTs first: initialize, no token.
std::string initialize_body(const ClientProfile& profile) {
  json::object params{{"protocolVersion", profile.protocol_version},
                      {"capabilities", json::object{}},
                      {"clientInfo", json::object{{"name", profile.client_name}, {"version", "1.0.0"}}}};
  json::object body{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", std::move(params)}};
  return json::serialize(body);
}

class Replay {
 public:
  Replay(http::HttpClient& client, McpUrl mcp, std::chrono::milliseconds timeout)
      : client_(client), mcp_(std::move(mcp)), timeout_(timeout) {}

  http::OutboundRequest request(std::string method, std::string url, http::HeaderList headers,
                                std::string body = {}) const {
    http::OutboundRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.headers = std::move(headers);
    r.body = std::move(body);
    r.timeout = timeout_;
    r.connect_timeout = timeout_;
    r.max_response_bytes = 256 * 1024;
    return r;
  }

  // One request; GETs with the same URL and headers are answered from the first fetch. Callers pass
  // a named request: g++ 12 mishandles temporaries built inside a co_await (STYLE.md).
  asio::awaitable<Fetched> fetch(http::OutboundRequest request) {
    std::string key = request.method + ' ' + request.url;
    for (const auto& [name, value] : request.headers) key += '\n' + name + ':' + value;
    bool cacheable = request.method == "GET";
    if (auto it = cache_.find(key); cacheable && it != cache_.end()) co_return it->second;
    Fetched got = co_await client_.fetch(std::move(request));
    if (cacheable) cache_.insert_or_assign(key, got);
    co_return got;
  }

  asio::awaitable<Fetched> get(const std::string& url, http::HeaderList headers) {
    http::OutboundRequest r = request("GET", url, std::move(headers));
    co_return co_await fetch(std::move(r));
  }

  asio::awaitable<Fetched> post_initialize(const std::string& url, const ClientProfile& profile) {
    http::HeaderList headers{{"Content-Type", "application/json"}, {"Accept", "application/json, text/event-stream"}};
    http::OutboundRequest r = request("POST", url, std::move(headers), initialize_body(profile));
    co_return co_await fetch(std::move(r));
  }

  asio::awaitable<ProfileReport> run(const ClientProfile& profile);

 private:
  asio::awaitable<void> challenge(const ClientProfile& profile, ProfileReport& out, std::string& prm_hint,
                                  std::string& scope);
  asio::awaitable<std::optional<json::object>> protected_resource(const ClientProfile& profile,
                                                                  const std::string& prm_hint, ProfileReport& out,
                                                                  std::string& prm_url);
  asio::awaitable<std::optional<json::object>> as_metadata(const ClientProfile& profile, const std::string& issuer,
                                                           ProfileReport& out, std::string& doc_url);
  asio::awaitable<std::string> registration(const ClientProfile& profile, const json::object& as, ProfileReport& out);
  asio::awaitable<void> authorize(const ClientProfile& profile, const json::object& as, const std::string& client_id,
                                  const std::string& scope, ProfileReport& out);
  asio::awaitable<void> cors(const ClientProfile& profile, const std::vector<std::string>& urls, ProfileReport& out);
  asio::awaitable<void> legacy_sse(ProfileReport& out);

  http::HttpClient& client_;
  McpUrl mcp_;
  std::chrono::milliseconds timeout_;
  std::map<std::string, Fetched> cache_;
};

asio::awaitable<ProfileReport> Replay::run(const ClientProfile& profile) {
  ProfileReport out;
  out.client = profile.name;
  std::string prm_hint;
  std::string scope;
  co_await challenge(profile, out, prm_hint, scope);

  std::string issuer = mcp_.origin;
  std::string prm_url;
  if (profile.discovery == Discovery::protected_resource) {
    std::optional<json::object> prm = co_await protected_resource(profile, prm_hint, out, prm_url);
    if (!prm) {
      out.checks.push_back(skip("as metadata", "no usable protected-resource metadata, so no authorization server"));
      co_return out;
    }
    issuer = string_list(*prm, "authorization_servers").front();
    if (scope.empty()) {
      for (const std::string& s : string_list(*prm, "scopes_supported")) scope += (scope.empty() ? "" : " ") + s;
    }
  }
  std::string as_url;
  std::optional<json::object> as = co_await as_metadata(profile, issuer, out, as_url);
  if (!as) co_return out;
  bool legacy = profile.discovery == Discovery::origin_root;
  out.checks.push_back(check_issuer(
      *as, issuer, as_url, legacy ? "the MCP origin, as 2025-03-26 clients assume" : "authorization_servers[0]"));
  out.checks.push_back(check_response_type(*as));
  out.checks.push_back(check_pkce(*as));
  out.checks.push_back(check_endpoints(*as, issuer));
  out.checks.push_back(check_token_auth_none(*as));
  std::string client_id = co_await registration(profile, *as, out);
  if (!client_id.empty()) co_await authorize(profile, *as, client_id, scope, out);
  if (!profile.cors_origin.empty()) {
    std::vector<std::string> urls{prm_url, as_url};
    co_await cors(profile, urls, out);
  }
  if (profile.legacy_sse) co_await legacy_sse(out);
  co_return out;
}

asio::awaitable<void> Replay::challenge(const ClientProfile& profile, ProfileReport& out, std::string& prm_hint,
                                        std::string& scope) {
  bool legacy = profile.discovery == Discovery::origin_root;
  Fetched got = co_await post_initialize(mcp_.url, profile);
  if (!got || got->status != 401) {
    std::string seen = describe(got);
    if (got && got->status < 300) seen += ": the server answered without a token (is auth configured?)";
    out.checks.push_back(fail("401 challenge", "POST " + mcp_.url + " without a token: expected 401, got " + seen));
  } else {
    std::optional<BearerChallenge> bearer = parse_bearer_challenge(got->header("www-authenticate"));
    if (bearer) {
      prm_hint = bearer->param("resource_metadata").value_or("");
      scope = bearer->param("scope").value_or("");
    }
    std::string scope_note =
        scope.empty() ? " (no scope=; clients then ask for all scopes_supported)" : ", scope=\"" + scope + "\"";
    if (!prm_hint.empty()) {
      out.checks.push_back(pass("401 challenge", "401, Bearer resource_metadata=\"" + prm_hint + "\"" + scope_note));
    } else if (legacy) {
      out.checks.push_back(pass("401 challenge", "401 (a 2025-03-26 client needs no resource_metadata)"));
    } else {
      std::string header(got->header("www-authenticate"));
      // 2025-06-18 authorization: the 401 MUST carry WWW-Authenticate with resource_metadata.
      out.checks.push_back(fail("401 challenge", "401 but WWW-Authenticate is " +
                                                     (header.empty() ? std::string("absent") : "\"" + header + "\"") +
                                                     "; expected Bearer resource_metadata=\"…\" (RFC 9728 §5.1)"));
    }
  }

  std::string toggled = toggle_trailing_slash(mcp_.url);
  Fetched other = co_await post_initialize(toggled, profile);
  if (other && other->status == 401) {
    out.checks.push_back(pass("trailing slash", "POST " + toggled + " is 401 too"));
  } else if (other && other->status >= 300 && other->status < 400) {
    out.checks.push_back(fail("trailing slash", "POST " + toggled + " answered " + describe(other) + " to " +
                                                    std::string(other->header("location")) +
                                                    "; clients do not re-POST through redirects: serve both paths"));
  } else {
    out.checks.push_back(fail("trailing slash", "POST " + toggled + ": expected 401, got " + describe(other)));
  }
}

asio::awaitable<std::optional<json::object>> Replay::protected_resource(const ClientProfile& profile,
                                                                        const std::string& prm_hint, ProfileReport& out,
                                                                        std::string& prm_url) {
  std::vector<std::pair<std::string, std::string>> candidates;  // check name, URL, in the clients' order
  if (!prm_hint.empty()) candidates.emplace_back("prm via challenge", prm_hint);
  if (!mcp_.path.empty()) candidates.emplace_back("prm path-aware", prm_path_aware_url(mcp_));
  candidates.emplace_back("prm root", prm_root_url(mcp_));
  std::optional<json::object> chosen;
  for (const auto& [name, url] : candidates) {
    http::HeaderList headers{{"MCP-Protocol-Version", profile.protocol_version}};
    Fetched got = co_await get(url, std::move(headers));
    if (!ok_status(got)) {
      out.checks.push_back(fail(name, "GET " + url + ": expected 200 with RFC 9728 metadata, got " + describe(got)));
      continue;
    }
    auto doc = parse_object(got->body);
    if (!doc) {
      out.checks.push_back(fail(name, "GET " + url + ": " + doc.error()));
      continue;
    }
    std::vector<std::string> faults = protected_resource_faults(*doc, mcp_.url);
    if (!faults.empty()) {
      out.checks.push_back(fail(name, "GET " + url + ": " + faults.front()));
      continue;
    }
    out.checks.push_back(pass(name, url + ": resource " + string_field(*doc, "resource") +
                                        ", authorization_servers[0] " +
                                        string_list(*doc, "authorization_servers").front()));
    if (!chosen) {
      chosen = std::move(*doc);
      prm_url = url;
    }
  }
  co_return chosen;
}

asio::awaitable<std::optional<json::object>> Replay::as_metadata(const ClientProfile& profile,
                                                                 const std::string& issuer, ProfileReport& out,
                                                                 std::string& doc_url) {
  std::vector<MetadataLocation> locations;
  if (profile.discovery == Discovery::origin_root) {
    // 2025-03-26 "authorization base URL": the MCP URL with its path discarded.
    locations.push_back({"RFC 8414 at the MCP origin", mcp_.origin + "/.well-known/oauth-authorization-server"});
  } else {
    locations = as_metadata_locations(issuer);
  }
  if (locations.empty()) {
    out.checks.push_back(fail("as metadata", "authorization_servers[0] \"" + issuer + "\" is not an http(s) URL"));
    co_return std::nullopt;
  }
  std::string missed;
  for (const MetadataLocation& location : locations) {
    http::HeaderList headers{{"MCP-Protocol-Version", profile.protocol_version}};
    Fetched got = co_await get(location.url, std::move(headers));
    std::optional<json::object> doc;
    if (ok_status(got)) {
      auto parsed = parse_object(got->body);
      if (parsed) doc = std::move(*parsed);
    }
    if (!doc) {
      missed += (missed.empty() ? "" : "; ") + location.label + " " + location.url + " " +
                (ok_status(got) ? std::string("not a JSON object") : describe(got));
      continue;
    }
    doc_url = location.url;
    out.checks.push_back(pass(
        "as metadata", location.label + " " + location.url + (missed.empty() ? "" : " (tried first: " + missed + ")")));
    co_return doc;
  }
  out.checks.push_back(
      fail("as metadata", "no authorization server metadata for issuer \"" + issuer + "\": " + missed));
  co_return std::nullopt;
}

asio::awaitable<std::string> Replay::registration(const ClientProfile& profile, const json::object& as,
                                                  ProfileReport& out) {
  const json::value* cimd = as.if_contains("client_id_metadata_document_supported");
  bool cimd_advertised = cimd != nullptr && cimd->is_bool() && cimd->as_bool();
  auto auth_methods = string_list(as, "token_endpoint_auth_methods_supported");
  bool none = std::find(auth_methods.begin(), auth_methods.end(), "none") != auth_methods.end();
  if (profile.cimd && cimd_advertised && none) {
    std::string id = profile.cimd_client_id.empty() ? "its hosted metadata document URL" : profile.cimd_client_id;
    out.checks.push_back(
        pass("registration", "CIMD (client_id_metadata_document_supported, token auth none): client_id " + id));
    out.checks.push_back(skip("authorize", "the AS would fetch the client's metadata document itself; not replayed"));
    co_return std::string();
  }
  std::string endpoint = string_field(as, "registration_endpoint");
  if (endpoint.empty() && profile.discovery == Discovery::origin_root) endpoint = mcp_.origin + "/register";
  if (endpoint.empty()) {
    out.checks.push_back(
        fail("registration", std::string("no registration_endpoint") +
                                 (profile.cimd ? " and no CIMD (client_id_metadata_document_supported)" : "") + ": " +
                                 profile.name + " cannot register without a pre-made client"));
    co_return std::string();
  }
  json::array redirects;
  for (const std::string& uri : profile.redirect_uris) redirects.emplace_back(uri);
  json::object body{{"client_name", profile.client_name},
                    {"redirect_uris", std::move(redirects)},
                    {"grant_types", json::array{"authorization_code", "refresh_token"}},
                    {"response_types", json::array{"code"}},
                    {"token_endpoint_auth_method", "none"}};
  if (!profile.application_type.empty()) body["application_type"] = profile.application_type;
  http::HeaderList headers{{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  http::OutboundRequest post = request("POST", endpoint, std::move(headers), json::serialize(body));
  Fetched got = co_await fetch(std::move(post));
  if (!ok_status(got)) {
    std::string hint = got ? ": " + body_hint(*got) : "";
    out.checks.push_back(fail("registration", "DCR POST " + endpoint + ": expected 201, got " + describe(got) + hint));
    co_return std::string();
  }
  auto reply = parse_object(got->body);
  std::string client_id = reply ? string_field(*reply, "client_id") : "";
  if (client_id.empty()) {
    out.checks.push_back(fail("registration", "DCR POST " + endpoint + ": " + describe(got) + " without a client_id"));
    co_return std::string();
  }
  std::string note = got->status == 201 ? "" : " (RFC 7591 §3.2.1 says 201)";
  out.checks.push_back(pass("registration", "DCR " + endpoint + ": " + describe(got) + " with a client_id" + note));
  co_return client_id;
}

asio::awaitable<void> Replay::authorize(const ClientProfile& profile, const json::object& as,
                                        const std::string& client_id, const std::string& scope, ProfileReport& out) {
  std::string endpoint = string_field(as, "authorization_endpoint");
  auto parsed = boost::urls::parse_absolute_uri(endpoint);
  if (!parsed) {
    out.checks.push_back(skip("authorize", "no usable authorization_endpoint"));
    co_return;
  }
  boost::urls::url target(*parsed);
  identity::PkcePair pkce = identity::make_pkce_pair();
  const std::string& redirect = profile.redirect_uris.front();
  auto params = target.params();
  params.append({"response_type", "code"});
  params.append({"client_id", client_id});
  params.append({"redirect_uri", redirect});
  params.append({"code_challenge", pkce.challenge});
  params.append({"code_challenge_method", "S256"});
  params.append({"state", "mcpedge-doctor"});
  // RFC 8707 resource: sent by 2025-06-18 and later clients only.
  if (profile.discovery == Discovery::protected_resource) params.append({"resource", mcp_.url});
  if (!scope.empty()) params.append({"scope", scope});
  std::string target_url(target.buffer());
  http::HeaderList no_headers;
  Fetched got = co_await get(target_url, std::move(no_headers));
  std::string location = got ? std::string(got->header("location")) : "";
  bool error_redirect = location.starts_with(redirect) && location.find("error=") != std::string::npos;
  if (got && (got->status == 200 || ((got->status == 302 || got->status == 303) && !error_redirect))) {
    out.checks.push_back(
        pass("authorize", "GET " + endpoint + ": " + describe(got) +
                              (got->status == 200 ? " (sign-in or consent page)" : " to " + location)));
  } else if (error_redirect) {
    out.checks.push_back(fail("authorize", "GET " + endpoint + " redirected back with an error: " + location));
  } else {
    std::string hint = got ? ": " + body_hint(*got) : "";
    out.checks.push_back(fail("authorize", "GET " + endpoint + ": expected 200 or 302, got " + describe(got) + hint));
  }
}

asio::awaitable<void> Replay::cors(const ClientProfile& profile, const std::vector<std::string>& urls,
                                   ProfileReport& out) {
  for (const std::string& url : urls) {
    if (url.empty()) continue;
    http::HeaderList headers{{"Origin", profile.cors_origin}, {"MCP-Protocol-Version", profile.protocol_version}};
    Fetched got = co_await get(url, std::move(headers));
    std::string allow = got ? std::string(got->header("access-control-allow-origin")) : "";
    if (allow != "*" && allow != profile.cors_origin) {
      out.checks.push_back(
          fail("cors", "GET " + url + " with Origin " + profile.cors_origin + ": " + describe(got) +
                           " without Access-Control-Allow-Origin; browser-based clients cannot read it"));
      co_return;
    }
  }
  out.checks.push_back(pass("cors", "discovery documents allow Origin " + profile.cors_origin));
}

asio::awaitable<void> Replay::legacy_sse(ProfileReport& out) {
  std::string url = mcp_.origin + "/sse";
  http::HeaderList headers{{"Accept", "text/event-stream"}};
  Fetched got = co_await get(url, std::move(headers));
  if (got && got->status == 401) {
    out.checks.push_back(pass("legacy sse", "GET " + url + " without a token is 401"));
  } else {
    out.checks.push_back(fail("legacy sse", "GET " + url + " without a token: expected 401, got " + describe(got)));
  }
}

}  // namespace

asio::awaitable<Report> run_doctor(http::HttpClient& client, McpUrl mcp, std::vector<ClientProfile> profiles,
                                   std::chrono::milliseconds timeout) {
  Report report;
  report.url = mcp.url;
  Replay replay(client, std::move(mcp), timeout);
  if (!profiles.empty()) {
    Fetched first = co_await replay.post_initialize(report.url, profiles.front());
    if (!first) {
      report.unreachable = "POST " + report.url + ": " + first.error().message + " (" +
                           http::to_string(first.error().kind) + "); is the server running and the URL right?";
      co_return report;
    }
  }
  for (const ClientProfile& profile : profiles) {
    ProfileReport one = co_await replay.run(profile);
    report.clients.push_back(std::move(one));
  }
  co_return report;
}

}  // namespace mcpedge::app::doctor
