// Replays each client profile's discovery chain against a live server over mcpedge's outbound HTTP client.
#pragma once

#include "app/doctor_checks.hpp"
#include "app/doctor_profiles.hpp"
#include "http/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mcpedge::app::doctor {

struct ProfileReport {
  std::string client;
  std::vector<Check> checks;
  bool ready() const;
};

struct Report {
  std::string url;
  std::optional<std::string> unreachable;  // set when the server did not answer at all
  std::vector<ProfileReport> clients;
};

// Runs every profile in turn; identical GETs are fetched once. Must be awaited on `client`'s loop.
boost::asio::awaitable<Report> run_doctor(http::HttpClient& client, McpUrl mcp, std::vector<ClientProfile> profiles,
                                          std::chrono::milliseconds timeout);

}  // namespace mcpedge::app::doctor
