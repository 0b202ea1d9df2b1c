// `mcpedge doctor URL`: replays each client's discovery from outside and prints a pass/fail table per client.
#include "app/commands.hpp"
#include "app/doctor_probe.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <iostream>

namespace mcpedge::app {

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using doctor::Outcome;

std::size_t count_ready(const doctor::Report& report) {
  return static_cast<std::size_t>(std::count_if(report.clients.begin(), report.clients.end(),
                                                [](const doctor::ProfileReport& p) { return p.ready(); }));
}

std::string summary_line(const doctor::Report& report) {
  std::size_t ready = count_ready(report);
  std::size_t faulty = report.clients.size() - ready;
  return "doctor: " + std::to_string(report.clients.size()) + " clients, " + std::to_string(ready) + " ready, " +
         std::to_string(faulty) + " with faults";
}

void print_table(std::ostream& out, const doctor::Report& report) {
  std::size_t name_width = 5;  // "check"
  for (const auto& client : report.clients) {
    for (const auto& check : client.checks) name_width = std::max(name_width, check.name.size());
  }
  out << "mcpedge doctor " << report.url << "\n";
  for (const auto& client : report.clients) {
    out << "\n" << client.client << (client.ready() ? " — ready" : " — FAULTS") << "\n";
    out << "  " << std::string("check").append(name_width - 5, ' ') << "  result  reason\n";
    for (const auto& check : client.checks) {
      std::string name = check.name;
      name.resize(name_width, ' ');
      std::string result = doctor::to_string(check.outcome);
      result.resize(6, ' ');
      out << "  " << name << "  " << result << "  " << check.reason << "\n";
    }
  }
  out << "\n" << summary_line(report) << "\n";
}

std::string report_json(const doctor::Report& report) {
  json::array clients;
  for (const auto& client : report.clients) {
    json::array checks;
    for (const auto& check : client.checks) {
      std::string result = check.outcome == Outcome::pass ? "pass" : check.outcome == Outcome::fail ? "fail" : "skip";
      checks.push_back(json::object{{"check", check.name}, {"result", result}, {"reason", check.reason}});
    }
    clients.push_back(
        json::object{{"client", client.client}, {"ready", client.ready()}, {"checks", std::move(checks)}});
  }
  std::size_t ready = count_ready(report);
  json::object out{{"url", report.url},
                   {"reachable", !report.unreachable.has_value()},
                   {"clients", std::move(clients)},
                   {"summary", json::object{{"clients", report.clients.size()},
                                            {"ready", ready},
                                            {"with_faults", report.clients.size() - ready}}}};
  if (report.unreachable) out["error"] = *report.unreachable;
  return json::serialize(out);
}

}  // namespace

int doctor_command(const DoctorOptions& options) {
  auto mcp = doctor::parse_mcp_url(options.url);
  if (!mcp) {
    std::cerr << "mcpedge doctor: " << mcp.error() << "\n";
    return 2;
  }
  if (options.timeout_ms <= 0) {
    std::cerr << "mcpedge doctor: --timeout-ms must be a positive number of milliseconds\n";
    return 2;
  }
  asio::io_context loop{1};
  http::HttpClient client(loop);
  std::vector<doctor::ClientProfile> profiles = doctor::client_profiles();
  std::chrono::milliseconds timeout(options.timeout_ms);
  auto future =
      asio::co_spawn(loop, doctor::run_doctor(client, std::move(*mcp), std::move(profiles), timeout), asio::use_future);
  loop.run();
  doctor::Report report = future.get();

  if (options.json) {
    std::cout << report_json(report) << "\n";
  } else if (report.unreachable) {
    std::cout << "mcpedge doctor: no answer from the server: " << *report.unreachable << "\n";
  } else {
    print_table(std::cout, report);
  }
  if (report.unreachable) return 1;
  return count_ready(report) == report.clients.size() ? 0 : 1;
}

}  // namespace mcpedge::app
