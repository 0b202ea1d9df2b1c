// The command line (CLI11): mcpedge serve | demo | check | keys generate | doctor.
#include "app/commands.hpp"

#include "observability/log.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>

namespace mcpedge::app {

int main_cli(int argc, char** argv) {
  CLI::App cli{"mcpedge: a REST API served to AI assistants as a hosted MCP server"};
  cli.require_subcommand(1);
  std::string log_level = "info";
  bool log_json = false;
  cli.add_option("--log-level", log_level, "trace, debug, info, warn or error")->capture_default_str();
  cli.add_flag("--log-json", log_json, "one JSON object per log line");

  ServeOptions serve_options;
  auto* serve_cmd = cli.add_subcommand("serve", "run the gateway from a config file");
  serve_cmd->add_option("--config,-c", serve_options.config_path, "YAML config")->required();
  serve_cmd->add_option("--listen", serve_options.listen, "HOST:PORT, overrides server.listen");

  DemoOptions demo_options;
  auto* demo_cmd = cli.add_subcommand("demo", "run the gateway in front of the built-in sample workflows API");
  demo_cmd->add_option("--listen", demo_options.listen, "HOST:PORT (port 0 picks one)")->capture_default_str();
  demo_cmd->add_option("--data", demo_options.data_dir, "directory for the sample API's SQLite data")
      ->capture_default_str();
  demo_cmd->add_option("--config", demo_options.config_path, "another tool table bound to the sample API");
  demo_cmd->add_option("--threads", demo_options.threads, "worker threads (0 = one per core)")->capture_default_str();
  demo_cmd->add_flag("--no-auth", demo_options.no_auth,
                     "no sign-in: MCP requests pass their own credential (X-API-Key) through to the API");

  std::string check_path;
  auto* check_cmd = cli.add_subcommand("check", "validate a config file and report every error as file:line: key");
  check_cmd->add_option("--config,-c", check_path, "YAML config")->required();

  auto* keys_cmd = cli.add_subcommand("keys", "key ring tools");
  keys_cmd->require_subcommand(1);
  auto* generate_cmd = keys_cmd->add_subcommand("generate", "print a new key for MCPEDGE_KEYS");

  DoctorOptions doctor_options;
  auto* doctor_cmd = cli.add_subcommand(
      "doctor", "replay each MCP client's sign-in discovery against a running server and report faults per client");
  doctor_cmd->add_option("url", doctor_options.url, "the MCP URL users paste, e.g. https://mcp.example.com/mcp")
      ->required();
  doctor_cmd->add_flag("--json", doctor_options.json, "print a machine-readable report");
  doctor_cmd->add_option("--timeout-ms", doctor_options.timeout_ms, "per-request timeout")->capture_default_str();

  CLI11_PARSE(cli, argc, argv);
  try {
    observability::init_logging(log_level, log_json ? observability::LogFormat::json : observability::LogFormat::text);
    if (*serve_cmd) return serve(serve_options);
    if (*demo_cmd) return demo(demo_options);
    if (*check_cmd) return check(check_path);
    if (*generate_cmd) return keys_generate();
    if (*doctor_cmd) return doctor_command(doctor_options);
  } catch (const std::exception& e) {
    std::cerr << "mcpedge: " << e.what() << '\n';
    return 1;
  }
  return 2;
}

}  // namespace mcpedge::app
