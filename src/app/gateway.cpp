// run_gateway: the catalog, the MCP transports and the operational endpoints on one router.
#include "app/gateway.hpp"

#include "crypto/encoding.hpp"
#include "demo/dev_idp.hpp"
#include "demo/sample_api.hpp"
#include "identity/upstream_idp.hpp"
#include "mcp/caller.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/legacy_sse.hpp"
#include "mcp/origin.hpp"
#include "mcp/poll_registry.hpp"
#include "mcp/session.hpp"
#include "mcp/streamable_http.hpp"
#include "mcp/wire.hpp"
#include "oauth/authorization_server.hpp"
#include "oauth/bearer.hpp"
#include "oauth/connect.hpp"
#include "oauth/personal_tokens.hpp"
#include "oauth/upstream_grants.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tools/catalog.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace mcpedge::app {

namespace asio = boost::asio;

std::optional<ListenAddress> parse_listen(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  ListenAddress out;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  out.host = host.empty() ? "0.0.0.0" : std::string(host);
  std::string_view port = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (ec != std::errc{} || end != port.data() + port.size() || port.empty()) return std::nullopt;
  boost::system::error_code bad;
  asio::ip::make_address(out.host, bad);
  if (bad) return std::nullopt;
  return out;
}

std::shared_ptr<const crypto::KeyRing> keys_from_environment() {
  if (const char* spec = std::getenv("MCPEDGE_KEYS"); spec && *spec) {
    auto ring = crypto::KeyRing::parse(spec);
    if (!ring) throw std::runtime_error(ring.error().message);
    return *ring;
  }
  spdlog::warn(
      "MCPEDGE_KEYS is not set: using a key ring that lasts as long as this process, so sessions end "
      "on restart and cannot span replicas (run `mcpedge keys generate` and set MCPEDGE_KEYS)");
  return *crypto::KeyRing::parse(crypto::KeyRing::generate_key());
}

std::shared_ptr<const crypto::KeyRing> keys_in_directory(const std::filesystem::path& dir) {
  std::filesystem::path file = dir / "keyring";
  std::string spec;
  if (std::ifstream in(file); in) std::getline(in, spec);
  if (spec.empty()) {
    spec = crypto::KeyRing::generate_key();
    std::ofstream out(file, std::ios::trunc);
    out << spec << '\n';
    if (!out) throw std::runtime_error("cannot write " + file.string());
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  auto ring = crypto::KeyRing::parse(spec);
  if (!ring) throw std::runtime_error(file.string() + ": " + ring.error().message);
  return *ring;
}

int report_config_errors(const std::vector<config::ConfigError>& errors) {
  for (const auto& error : errors) std::cerr << error.to_string() << '\n';
  return errors.empty() ? 0 : 1;
}

http::ServerLimits limits_from(const config::ServerConfig& s) {
  http::ServerLimits limits;
  limits.max_body_bytes = s.max_body_bytes;
  limits.max_header_bytes = s.max_header_bytes;
  limits.idle_timeout = s.idle_timeout;
  limits.read_timeout = s.read_timeout;
  limits.write_timeout = s.write_timeout;
  limits.drain_timeout = s.drain_timeout;
  limits.stream_retry_hint = s.sse_retry;
  return limits;
}

namespace {

// The authorization server and what it needs, alive for the whole run.
struct AuthParts {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<identity::UpstreamIdp> idp;
  oauth::RevocationList revoked;          // grants
  oauth::RevocationList revoked_clients;  // registered clients
  oauth::CimdCache cimd;
  std::unique_ptr<oauth::UpstreamGrants> grants;
  std::unique_ptr<oauth::AuthorizationServer> server;
  std::unique_ptr<oauth::PersonalTokens> tokens;
  std::unique_ptr<oauth::BearerAuthenticator> bearer;
  std::unique_ptr<oauth::ConnectPage> connect;
  std::optional<asio::steady_timer> housekeeping_timer;  // on worker 0's loop; cancelled by the drain
};

// Every few seconds: grants and clients revoked by other replicas; every few minutes: expired rows.
asio::awaitable<void> housekeeping(AuthParts& auth) {
  asio::steady_timer& timer = *auth.housekeeping_timer;
  for (int tick = 0;; ++tick) {
    co_await auth.server->refresh_revocations();
    if (tick % 60 == 0) {
      auto now =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
      auto pruned = co_await auth.store->prune_expired(now);
      if (!pruned) spdlog::warn("{}", pruned.error().message);
    }
    timer.expires_after(std::chrono::seconds(5));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // the drain began
  }
}

std::unique_ptr<AuthParts> build_auth(const config::Config& config, std::shared_ptr<const crypto::KeyRing> keys) {
  auto parts = std::make_unique<AuthParts>();
  std::filesystem::path file(config.store.sqlite);
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  auto opened = store::sqlite::SqliteStore::open(file);
  if (!opened) throw std::runtime_error(opened.error().message);
  parts->store = std::move(*opened);
  parts->idp = std::make_unique<identity::UpstreamIdp>(config.auth.idp, config.server.public_url + "/oauth/callback");
  oauth::ServerDescription description;
  description.issuer = config.server.public_url;
  description.scopes_supported = config.auth.scopes;
  description.resource_name = config.server.title.empty() ? config.server.name : config.server.title;
  std::string product = description.resource_name;
  parts->grants = std::make_unique<oauth::UpstreamGrants>(keys, *parts->store, *parts->idp, config.auth.credential);
  parts->server = std::make_unique<oauth::AuthorizationServer>(
      oauth::AuthorizationServerParts{keys, config, description, *parts->store, *parts->idp, parts->revoked,
                                      parts->revoked_clients, parts->cimd, *parts->grants, product});
  parts->tokens = std::make_unique<oauth::PersonalTokens>(*parts->store, *parts->grants);
  parts->bearer = std::make_unique<oauth::BearerAuthenticator>(keys, description, config.auth, parts->revoked,
                                                               *parts->store, *parts->tokens);
  if (config.connect.enabled) {
    parts->connect = std::make_unique<oauth::ConnectPage>(
        oauth::ConnectParts{keys, config, description, *parts->store, *parts->server, *parts->tokens, *parts->grants});
  }
  return parts;
}

}  // namespace

int run_gateway(http::Server& server, const http::ListenInfo& listening, GatewayInputs inputs) {
  const config::Config& config = inputs.config;
  auto catalog = tools::Catalog::build(config);
  if (!catalog) return report_config_errors(catalog.error());
  std::unique_ptr<AuthParts> auth;
  if (config.auth.enabled) auth = build_auth(config, inputs.keys);

  mcp::Dispatcher dispatcher(*catalog, config.server);
  mcp::SessionCodec sessions(inputs.keys, config.server.session_ttl);
  mcp::TerminatedSessions terminated;
  mcp::OriginPolicy origins(config.server, listening.loopback);
  mcp::PollRegistry polls;
  mcp::PassThroughAuthenticator pass_through(config.upstream.credential.required);
  const mcp::Authenticator& authenticator = auth ? static_cast<const mcp::Authenticator&>(*auth->bearer) : pass_through;
  mcp::TransportState state{dispatcher, sessions, terminated, origins, polls, config, authenticator};
  mcp::StreamableHttp streamable(state);
  mcp::LegacySse legacy(state, "/messages");

  http::Router router;
  auto bound = [](auto* object, auto method) {
    return [object, method](http::Incoming& in) { return (object->*method)(in); };
  };
  router.exact_or_trailing_slash(http::Verb::post, "/mcp", bound(&streamable, &mcp::StreamableHttp::post))
      .exact_or_trailing_slash(http::Verb::get, "/mcp", bound(&streamable, &mcp::StreamableHttp::get))
      .exact_or_trailing_slash(http::Verb::delete_, "/mcp", bound(&streamable, &mcp::StreamableHttp::remove))
      .exact(http::Verb::get, "/sse", bound(&legacy, &mcp::LegacySse::stream))
      .exact_or_trailing_slash(http::Verb::post, "/messages", bound(&legacy, &mcp::LegacySse::message));
  auto cors_preflight = [](http::Incoming& in) -> asio::awaitable<http::Reply> {
    co_return mcp::preflight(in.request);
  };
  for (const char* path : {"/mcp", "/sse", "/messages"}) {
    router.exact_or_trailing_slash(http::Verb::options, path, cors_preflight);
  }
  router.exact(http::Verb::get, "/healthz", [](http::Incoming&) -> asio::awaitable<http::Reply> {
    co_return http::text_reply(http::Status::ok, "ok\n");
  });
  store::Store* store = auth ? auth->store.get() : nullptr;
  router.exact(http::Verb::get, "/readyz", [&server, store](http::Incoming&) -> asio::awaitable<http::Reply> {
    if (server.draining()) co_return http::error_reply(http::Status::service_unavailable, "draining for shutdown");
    if (auto broken = store ? store->broken() : std::nullopt)
      co_return http::error_reply(http::Status::service_unavailable, broken->message);
    co_return http::text_reply(http::Status::ok, "ready\n");
  });
  std::string banner =
      config.server.name + ": MCP endpoint at " + config.server.public_url + "/mcp (legacy SSE at /sse)\n";
  if (auth && auth->connect) banner += "Connect an AI assistant: " + config.server.public_url + "/connect\n";
  router.exact(http::Verb::get, "/", [banner](http::Incoming&) -> asio::awaitable<http::Reply> {
    co_return http::text_reply(http::Status::ok, banner);
  });
  if (inputs.demo_api) {
    auto api = inputs.demo_api;
    router.prefix(std::string(demo::SampleApi::k_prefix), [api](http::Incoming& in) { return api->handle(in); });
  }
  if (inputs.dev_idp) {
    auto idp = inputs.dev_idp;
    router.prefix(std::string(demo::DevIdentityProvider::k_prefix),
                  [idp](http::Incoming& in) { return idp->handle(in); });
  }
  if (auth) {
    auth->server->mount(router);
    if (auth->connect) auth->connect->mount(router);
    auth->housekeeping_timer.emplace(server.worker(0).executor());
    server.on_drain([&auth] { auth->housekeeping_timer->cancel(); });
    asio::co_spawn(server.worker(0).executor(), housekeeping(*auth), asio::detached);
  }
  server.set_handler([&router](http::Incoming& in) { return router(in); });

  std::cout << "mcpedge listening on " << config.server.public_url << "/mcp with " << (*catalog)->tools().size()
            << " tools (" << server.worker_count() << " threads)" << std::endl;
  if (auth && auth->connect) std::cout << "connect page: " << config.server.public_url << "/connect" << std::endl;
  server.run();
  return 0;
}

}  // namespace mcpedge::app
