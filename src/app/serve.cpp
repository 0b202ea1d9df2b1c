// serve, demo, check and keys: each builds what it needs and hands over to run_gateway.
#include "app/commands.hpp"
#include "app/gateway.hpp"

#include "config/config.hpp"
#include "crypto/random.hpp"
#include "demo/dev_idp.hpp"
#include "demo/sample_api.hpp"
#include "mcp/origin.hpp"
#include "tools/catalog.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

namespace mcpedge::app {

extern const char* const k_demo_config;

namespace {

// Binds and reports; a port that cannot be bound is a start-up failure with its reason.
http::ListenInfo bind(http::Server& server, const ListenAddress& address) {
  http::ListenInfo info;
  info.endpoint = server.listen(address.host, address.port);
  info.loopback = info.endpoint.address().is_loopback();
  return info;
}

std::string origin_of(const http::ListenInfo& info) {
  std::string host = info.endpoint.address().to_string();
  if (info.endpoint.address().is_v6()) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(info.endpoint.port());
}

}  // namespace

int serve(const ServeOptions& options) {
  auto loaded = config::load_file(options.config_path);
  if (!loaded) return report_config_errors(loaded.error());
  config::Config config = std::move(*loaded);
  if (config.auth.enabled && config.auth.dev_idp) {
    std::cerr << options.config_path
              << ": auth.dev_idp: the development sign-in exists only in `mcpedge demo`; configure auth.idp\n";
    return 1;
  }
  std::string listen_text = options.listen.value_or(config.server.listen);
  auto address = parse_listen(listen_text);
  if (!address) {
    std::cerr << "invalid listen address \"" << listen_text << "\": use HOST:PORT, e.g. 127.0.0.1:8080\n";
    return 2;
  }
  auto keys = keys_from_environment();
  http::Server server(limits_from(config.server), config.server.threads, {});
  http::ListenInfo listening = bind(server, *address);
  if (options.listen && config.server.public_url == "http://" + config.server.listen) {
    config.server.public_url = origin_of(listening);
  }
  return run_gateway(server, listening, GatewayInputs{std::move(config), keys, nullptr, nullptr});
}

int demo(const DemoOptions& options) {
  auto address = parse_listen(options.listen);
  if (!address) {
    std::cerr << "invalid --listen \"" << options.listen << "\": use HOST:PORT, e.g. 127.0.0.1:8080\n";
    return 2;
  }
  auto api = demo::SampleApi::open(options.data_dir);
  auto keys = keys_in_directory(options.data_dir);
  http::Server server(http::ServerLimits{}, options.threads, {});
  http::ListenInfo listening = bind(server, *address);
  std::string origin = origin_of(listening);
  // The tool tables name the sample API through these (examples/workflows.yaml).
  setenv("MCPEDGE_DEMO_API_URL", (origin + std::string(demo::SampleApi::k_prefix)).c_str(), 1);
  setenv("MCPEDGE_DEMO_API_KEY", api->api_key().c_str(), 1);
  auto loaded = options.config_path ? config::load_file(*options.config_path)
                                    : config::load_text(k_demo_config, "examples/workflows.yaml (built in)");
  if (!loaded) return report_config_errors(loaded.error());
  config::Config config = std::move(*loaded);
  config.server.public_url = origin;
  config.server.listen = origin.substr(7);
  server.set_limits(limits_from(config.server));
  std::shared_ptr<demo::DevIdentityProvider> dev_idp;
  if (options.no_auth) config.auth.enabled = false;
  if (config.auth.enabled) {
    if (!options.config_path || config.store.sqlite == config::StoreConfig{}.sqlite)
      config.store.sqlite = (std::filesystem::path(options.data_dir) / "store.db").string();
    if (config.auth.dev_idp) {
      demo::DevIdpOptions idp_options;
      idp_options.issuer = origin + std::string(demo::DevIdentityProvider::k_prefix);
      idp_options.client_id = "mcpedge-demo";
      idp_options.client_secret = crypto::random_token(24);  // both ends live in this process
      idp_options.orgs = {{"org_acme_ops", "Acme Operations"}, {"org_acme_sales", "Acme Sales"}};
      config.auth.idp.issuer = idp_options.issuer;
      config.auth.idp.client_id = idp_options.client_id;
      config.auth.idp.client_secret = idp_options.client_secret;
      config.auth.idp.token_endpoint_auth = "client_secret_basic";
      config.auth.idp.identity = config::IdentitySource::userinfo;
      config.auth.idp.scopes = {"openid", "profile"};
      dev_idp = std::make_shared<demo::DevIdentityProvider>(keys, idp_options);
      std::cout << "development sign-in (not for production) at " << idp_options.issuer << "/authorize" << std::endl;
    }
  }
  std::cout << "demo API key (send as X-API-Key or Authorization: Bearer): " << api->api_key() << std::endl;
  std::cout << "demo data in " << options.data_dir << "; sample API at " << origin << demo::SampleApi::k_prefix
            << std::endl;
  return run_gateway(server, listening, GatewayInputs{std::move(config), keys, api, dev_idp});
}

int check(const std::string& config_path) {
  auto loaded = config::load_file(config_path);
  if (!loaded) return report_config_errors(loaded.error());
  auto catalog = tools::Catalog::build(*loaded);
  if (!catalog) return report_config_errors(catalog.error());
  std::cout << config_path << ": OK, " << (*catalog)->tools().size() << " tools\n";
  return 0;
}

int keys_generate() {
  std::cout << crypto::KeyRing::generate_key() << '\n';
  return 0;
}

}  // namespace mcpedge::app
