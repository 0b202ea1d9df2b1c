// The typed configuration: server, upstream API and the tool table, as read from YAML.
#pragma once

#include "base/expected.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mcpedge::config {

// Where a value came from, for error messages: "gateway.yaml:14: tools[3].http.path".
struct Location {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
  std::string key;
};

struct ConfigError {
  Location where;
  std::string message;            // what is wrong and what to do
  std::string to_string() const;  // "file:line: key: message"
};

struct CacheHints {
  std::int64_t ttl_ms = 300000;
  std::string scope = "public";  // "public" | "private"
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // host:port
  std::string public_url;   // origin the clients use, e.g. https://mcp.example.com; default http://<listen>
  std::size_t threads = 0;  // 0 = one per core
  std::string name = "mcpedge";
  std::string title;
  std::string version = "0.1.0";
  std::string instructions;
  std::vector<std::string> allowed_origins;  // exact origins; the public origin is always allowed
  std::vector<std::string> allowed_hosts;    // empty: any Host header
  bool sessions = true;                      // issue sealed Mcp-Session-Id on initialize
  std::chrono::seconds session_ttl{86400};
  std::size_t page_size = 50;  // tools/list page size
  CacheHints cache;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds drain_timeout{10000};
  std::chrono::milliseconds sse_keepalive{15000};
  std::chrono::milliseconds sse_retry{2000};
};

struct CredentialRule {
  std::string bearer_header = "Authorization";  // JWT-shaped values go here as "Bearer <v>"
  std::string api_key_header = "X-API-Key";     // anything else goes here as-is
  bool allow_argument = false;                  // tools accept an explicit `_api_key` argument
  std::string fallback;                         // used when the request carries no credential
  bool required = false;                        // MCP requests without a credential get 401
};

struct UpstreamConfig {
  std::string base_url;  // e.g. https://api.example.com/v1 (no trailing slash)
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds connect_timeout{5000};
  std::size_t max_response_bytes = 1 << 20;
  CredentialRule credential;
  std::vector<std::pair<std::string, std::string>> headers;  // sent on every call
};

enum class BodyMode { all, none, field };

struct HttpBinding {
  std::string method = "GET";                     // upper-case
  std::string path;                               // template with {param}
  std::vector<std::string> path_params;           // names found in `path`, in order
  std::optional<std::vector<std::string>> query;  // explicit list; nullopt = remaining args for GET/DELETE
  BodyMode body = BodyMode::all;                  // default: all (none for GET/DELETE/HEAD)
  std::string body_field;                         // with BodyMode::field
  std::vector<std::pair<std::string, std::string>> headers;
  // How the reply becomes content: auto (by Content-Type), text, or resource (embedded resource).
  std::string response = "auto";
};

struct ToolConfig {
  Location where;
  std::string name;
  std::string title;
  std::string description;
  boost::json::value input_schema;  // object
  std::optional<boost::json::value> output_schema;
  std::optional<boost::json::object> annotations;  // given annotations override derived ones
  std::optional<boost::json::array> icons;
  HttpBinding http;
  // Client capabilities the tool needs (e.g. {"sampling":{}}); undeclared -> -32021 [2026-07-28].
  std::optional<boost::json::object> client_capabilities;
  // SSE polling [2025-11-25]: if the call takes longer than this, close the SSE reply after the
  // priming event and deliver the result when the client resumes with Last-Event-ID.
  std::optional<std::chrono::milliseconds> poll_after;
};

struct Config {
  std::string file;  // where it was read from
  ServerConfig server;
  UpstreamConfig upstream;
  std::vector<ToolConfig> tools;
};

// Reads and checks a config file. Every error names file:line:key; all errors are collected.
Expected<Config, std::vector<ConfigError>> load_file(const std::string& path);
// Same, from text (`file` is only used in messages).
Expected<Config, std::vector<ConfigError>> load_text(const std::string& text, const std::string& file);

}  // namespace mcpedge::config
