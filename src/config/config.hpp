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
  // Scopes a caller's token must cover to call this tool; a token without them gets 403
  // insufficient_scope naming them (step-up authorization).
  std::vector<std::string> scopes;
};

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

// Where the user's identity comes from after the upstream sign-in.
enum class IdentitySource { id_token, userinfo, introspection };
// What tool calls send upstream for the signed-in user.
enum class CredentialStrategy { idp_token, mint, token_exchange, service };

// The company's identity provider, to which mcpedge is an ordinary OAuth client.
struct IdpConfig {
  std::string issuer;         // compared byte for byte with the discovered issuer
  std::string discovery_url;  // default: issuer + /.well-known/openid-configuration
  std::string client_id;
  std::string client_secret;                                // empty: a public client (PKCE only)
  std::string token_endpoint_auth = "client_secret_basic";  // | client_secret_post | none
  std::vector<std::string> scopes{"openid", "profile", "email"};
  IdentitySource identity = IdentitySource::id_token;
  HeaderPairs authorize_params;  // IdP quirks, e.g. audience for Auth0/Okta
  HeaderPairs token_params;
  std::string resource;  // RFC 8707 indicator sent to the IdP; empty for IdPs that reject it (Entra)
  std::string subject_claim = "sub";
  std::string name_claim = "name";
  std::string org_claim = "orgs";  // [{id,name}], [id], or {id: {org_name}} (PropelAuth)
  std::chrono::milliseconds timeout{10000};
};

// credential.mint: one HTTP call per sign-in that creates an API key for the user.
struct MintConfig {
  std::string method = "POST";
  std::string url;  // may contain {subject} and {org}
  HeaderPairs headers;
  std::string body;  // JSON; string values may contain {subject}, {org}, {name}, {email}, {expires_at}
  std::string token_field = "api_key_token";  // dotted path of the key in the JSON reply
  std::chrono::seconds ttl{30 * 24 * 3600};   // lifetime asked for (expires_at)
};

// credential.token_exchange: RFC 8693 at the IdP's token endpoint (or `endpoint`).
struct TokenExchangeConfig {
  std::string endpoint;
  std::string audience;
  std::string scope;
  std::string requested_token_type = "urn:ietf:params:oauth:token-type:access_token";
};

struct CredentialConfig {
  CredentialStrategy strategy = CredentialStrategy::idp_token;
  MintConfig mint;
  TokenExchangeConfig token_exchange;
  std::string service_credential;  // service: the one credential every call uses
  HeaderPairs identity_headers;    // service: e.g. X-User-Id: "{subject}"; values are templates
};

// The authorization server. Absent section: no sign-in, credentials pass through as before.
struct AuthConfig {
  bool enabled = false;
  std::vector<std::string> scopes{"mcp"};  // scopes_supported, and what a client gets by default
  std::chrono::seconds access_token_ttl{3600};
  std::chrono::seconds refresh_token_ttl{30 * 24 * 3600};
  std::chrono::seconds code_ttl{60};
  std::chrono::seconds login_ttl{600};  // from /authorize to the IdP's callback
  std::chrono::seconds browser_session_ttl{7 * 24 * 3600};
  bool api_key_passthrough = false;                // non-mcpedge credentials go upstream as-is
  bool allow_insecure_loopback_redirects = false;  // development: web clients on http://localhost
  bool cimd_allow_private = false;                 // development: CIMD documents on private addresses
  bool dev_idp = false;                            // demo: the built-in development sign-in
  IdpConfig idp;
  CredentialConfig credential;
};

// The /connect page: onboarding for each AI client, personal access tokens, connected clients.
struct ConnectConfig {
  bool enabled = true;               // with auth
  std::string product;               // default: server.title, else server.name
  std::string intro;                 // a paragraph under the heading
  std::string help_url;              // optional "Help" link (absolute https URL)
  std::string server_key;            // the server's name inside client configs; default: server.name
  std::string logo;                  // file path as written (relative to the config file)
  std::string logo_bytes;            // its content, read at load time
  std::string logo_type;             // image/svg+xml, image/png, image/jpeg or image/webp
  std::vector<std::string> clients;  // which cards, in order; default: every known client
  bool personal_tokens = true;
  int max_token_days = 365;
  bool allow_tokens_without_expiry = false;
};

// The clients the connect page knows, in their default order.
inline const std::vector<std::string>& known_connect_clients() {
  static const std::vector<std::string> clients{"claude-ai", "claude-desktop", "claude-code", "chatgpt", "cursor",
                                                "vscode",    "windsurf",       "gemini-cli",  "other"};
  return clients;
}

struct StoreConfig {
  std::string sqlite = "mcpedge-data/store.db";  // relative to the working directory
};

struct Config {
  std::string file;  // where it was read from
  ServerConfig server;
  UpstreamConfig upstream;
  std::vector<ToolConfig> tools;
  AuthConfig auth;
  StoreConfig store;
  ConnectConfig connect;
};

// Reads and checks a config file. Every error names file:line:key; all errors are collected.
Expected<Config, std::vector<ConfigError>> load_file(const std::string& path);
// Same, from text (`file` is only used in messages).
Expected<Config, std::vector<ConfigError>> load_text(const std::string& text, const std::string& file);

}  // namespace mcpedge::config
