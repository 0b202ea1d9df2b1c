// Reads the YAML configuration into a Config, checking every field and collecting every error.
//
// The format (docs/configuration.md is the full reference, with an example):
//
//   server:                        # optional; every key has a default
//     listen: 127.0.0.1:8080       # host:port ([v6]:port for IPv6)
//     public_url: https://mcp.example.com   # http(s) origin, no path; default http://<listen>
//     threads: 0                   # 0 = one per core
//     name / title / version / instructions: strings
//     allowed_origins: [https://claude.ai]  # origins: scheme://host[:port], no path
//     allowed_hosts: []            # host[:port]; empty = any Host header
//     sessions: true
//     session_ttl_s: 86400
//     page_size: 50
//     cache: { ttl_ms: 300000, scope: public }   # scope: public | private
//     limits: { max_body_bytes, max_header_bytes, idle_timeout_ms, read_timeout_ms,
//               write_timeout_ms, drain_timeout_ms }
//     sse: { keepalive_ms: 15000, retry_ms: 2000 }
//   upstream:                      # required
//     base_url: https://api.example.com/v1  # required, http(s); trailing slashes stripped
//     timeout_ms / connect_timeout_ms / max_response_bytes: integers
//     headers: { User-Agent: acme-mcp }    # sent on every call
//     credential: { bearer_header, api_key_header, allow_argument, fallback }
//   tools:
//     - name: get_workflow          # required, [A-Za-z0-9_-]{1,64}, unique
//       title: ...                  # optional
//       description: ...            # required
//       input_schema: {...}         # required JSON Schema, type object ("type" added if absent)
//       output_schema: {...}        # optional, same rule
//       annotations: {...}          # optional MCP tool annotations
//       icons: [...]                # optional MCP icons, each with src
//       http:                       # required
//         method: GET               # GET POST PUT PATCH DELETE HEAD (any case)
//         path: /workflows/{workflow_id}   # {param} = a required input_schema property
//         query: [limit]            # optional explicit list of arguments sent as query
//         body: all                 # all | none | {field: NAME}; default all for POST/PUT/PATCH
//         headers: { X-Trace: on }
//         response: auto            # auto | text | resource
//
// Every scalar value may contain ${NAME}, replaced by the environment variable NAME ($${ is a
// literal ${); in a flow mapping quote it ("${VAR}"), which settings still read as a number
// or boolean. A key with no value counts as absent. Schemas become JSON by the YAML 1.2 core
// schema: plain 12 is an integer, "12" a string, true a boolean, ~ or null a null.
#include "config/config.hpp"

#include "config/sections.hpp"
#include "config/text.hpp"
#include "config/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace mcpedge::config {

using namespace detail;

namespace {

Config read_config(Reader& r, const YAML::Node& root, const std::string& file) {
  Config config;
  config.file = file;
  if (absent(root)) {
    r.error(0, "", "the file is empty; it needs at least an upstream section with base_url and a tools list");
    return config;
  }
  Field top{root, "", line_of(root, 1)};
  if (!root.IsMap()) {
    r.error(top, "expected a mapping with server, upstream and tools at the top level, got " + kind_of(root));
    return config;
  }
  Section s(r, top, {"server", "upstream", "tools", "auth", "store", "connect"});
  read_server(r,
              s.section("server", {"listen", "public_url", "threads", "name", "title", "version", "instructions",
                                   "allowed_origins", "allowed_hosts", "sessions", "session_ttl_s", "page_size",
                                   "cache", "limits", "sse"}),
              config.server);
  auto upstream = s.section(
      "upstream", {"base_url", "timeout_ms", "connect_timeout_ms", "max_response_bytes", "headers", "credential"});
  if (upstream.present())
    read_upstream(r, upstream, config.upstream);
  else
    s.require("upstream", "add upstream: { base_url: https://api.example.com/v1 }");
  if (auto t = s.get("tools")) read_tools(r, *t, config.tools);
  auto auth = s.section("auth", {"enabled", "scopes", "access_token_ttl_s", "refresh_token_ttl_s", "code_ttl_s",
                                 "login_ttl_s", "browser_session_ttl_s", "api_key_passthrough",
                                 "allow_insecure_loopback_redirects", "dev_idp", "cimd", "idp", "credential"});
  if (auth.present()) read_auth(r, auth, config.auth);
  read_store(r, s.section("store", {"sqlite"}), config.store);
  read_connect(r,
               s.section("connect", {"enabled", "product", "intro", "help_url", "server_key", "logo", "clients",
                                     "personal_tokens"}),
               config.connect);
  if (config.connect.product.empty())
    config.connect.product = config.server.title.empty() ? config.server.name : config.server.title;
  if (config.connect.server_key.empty()) config.connect.server_key = config.server.name;
  if (config.connect.clients.empty()) config.connect.clients = known_connect_clients();
  if (config.auth.enabled) {
    for (const auto& tool : config.tools) {
      for (const auto& scope : tool.scopes) {
        bool covered = false;
        for (const auto& offered : config.auth.scopes)
          covered = covered || offered == scope || scope.rfind(offered + ":", 0) == 0;
        if (!covered)
          r.error(tool.where.line, child_key(tool.where.key, "scopes"),
                  "scope " + quoted(scope) + " is not in auth.scopes (nor under one of them); add it there");
      }
    }
  }
  return config;
}

}  // namespace

Expected<Config, std::vector<ConfigError>> load_text(const std::string& text, const std::string& file) {
  Reader r(file);
  Config config;
  try {
    YAML::Node root = YAML::Load(text);
    config = read_config(r, root, file);
  } catch (const YAML::Exception& e) {
    int line = e.mark.line < 0 ? 0 : e.mark.line + 1;
    std::string where = e.mark.column < 0 ? "" : " (column " + std::to_string(e.mark.column + 1) + ")";
    r.error(line, "", "invalid YAML: " + e.msg + where + "; fix the syntax on this line or the one before it");
  }
  if (r.failed()) return Unexpected{r.take_errors()};
  return config;
}

Expected<Config, std::vector<ConfigError>> load_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  auto cannot_read = [&](int err) {
    return Unexpected{std::vector<ConfigError>{
        {{path, 0, ""},
         "cannot read file: " + std::string(std::strerror(err)) + "; check the path and its permissions"}}};
  };
  if (!f) return cannot_read(errno);
  std::string text;
  char buffer[8192];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  int err = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (err) return cannot_read(err);
  return load_text(text, path);
}

}  // namespace mcpedge::config
