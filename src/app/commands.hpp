// The CLI's commands: serve, demo, check, keys generate, doctor.
#pragma once

#include <optional>
#include <string>

namespace mcpedge::app {

struct ServeOptions {
  std::string config_path;
  std::optional<std::string> listen;  // overrides server.listen
};

struct DemoOptions {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = ".demo-data";
  std::optional<std::string> config_path;  // default: the embedded examples/workflows.yaml
  std::size_t threads = 0;
  bool no_auth = false;  // turn the config's auth section off
};

// `mcpedge doctor URL`: exit 0 when every client profile passes, 1 on any fault or no answer, 2 on a
// bad URL.
struct DoctorOptions {
  std::string url;  // the MCP URL users paste, e.g. https://mcp.example.com/mcp
  bool json = false;
  long timeout_ms = 5000;  // per request
};

int serve(const ServeOptions& options);
int demo(const DemoOptions& options);
int check(const std::string& config_path);
int keys_generate();
int doctor_command(const DoctorOptions& options);

int main_cli(int argc, char** argv);

}  // namespace mcpedge::app
