// Wiring: config + catalog + transports + routes on one HTTP server.
#pragma once

#include "config/config.hpp"
#include "crypto/key_ring.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace mcpedge::demo {
class SampleApi;
class DevIdentityProvider;
}  // namespace mcpedge::demo

namespace mcpedge::app {

struct ListenAddress {
  std::string host;
  unsigned short port = 0;
};
// "127.0.0.1:8080", "[::1]:8080", ":8080" (all interfaces); nullopt when malformed.
std::optional<ListenAddress> parse_listen(std::string_view text);

// Keys from MCPEDGE_KEYS, else (with a warning) a fresh ring that lasts as long as the process.
std::shared_ptr<const crypto::KeyRing> keys_from_environment();
// The demo's key ring, kept in DIR/keyring so a restart logs nobody out.
std::shared_ptr<const crypto::KeyRing> keys_in_directory(const std::filesystem::path& dir);

// Prints every config error as file:line: key: message; returns the exit status (0 or 1).
int report_config_errors(const std::vector<config::ConfigError>& errors);

struct GatewayInputs {
  config::Config config;
  std::shared_ptr<const crypto::KeyRing> keys;
  std::shared_ptr<demo::SampleApi> demo_api;           // mounted under /demo-api/v1 when set
  std::shared_ptr<demo::DevIdentityProvider> dev_idp;  // mounted under /dev-idp when set
};

// Builds the catalog and routes, runs the server (already listening) until drained.
// Returns the process exit status.
int run_gateway(http::Server& server, const http::ListenInfo& listening, GatewayInputs inputs);

http::ServerLimits limits_from(const config::ServerConfig& server);

}  // namespace mcpedge::app
