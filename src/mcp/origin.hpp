// DNS-rebinding protection: which Origin and Host headers a request may carry.
#pragma once

#include "config/config.hpp"
#include "http/message.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mcpedge::mcp {

class OriginPolicy {
 public:
  // `loopback`: the server listens on a loopback address, so any loopback origin/host is allowed
  // and nothing else is (the local-server rule of transports.mdx#security-warning).
  OriginPolicy(const config::ServerConfig& server, bool loopback);

  // nullopt when allowed; otherwise why, for the 403 answer.
  std::optional<std::string> check(const http::Request& request) const;

 private:
  std::vector<std::string> origins_;
  std::vector<std::string> hosts_;
  bool loopback_ = false;
};

bool is_loopback_host(std::string_view host_without_port);

}  // namespace mcpedge::mcp
