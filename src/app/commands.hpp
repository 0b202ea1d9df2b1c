// The CLI's commands: serve, demo, check, keys generate.
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

int serve(const ServeOptions& options);
int demo(const DemoOptions& options);
int check(const std::string& config_path);
int keys_generate();

int main_cli(int argc, char** argv);

}  // namespace mcpedge::app
