// Tests of loading valid configurations: every field, defaults, YAML-to-JSON schemas, ${ENV}, files.
#include "config/config.hpp"

#include "config_test_support.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mcpedge::config {
namespace {

using testing::all_errors;
using testing::load_ok;

namespace json = boost::json;
using namespace std::chrono_literals;

// Sets an environment variable for the life of one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

constexpr const char* k_full = R"(server:
  listen: 0.0.0.0:9090
  public_url: https://MCP.example.com/
  threads: 4
  name: acme-mcp
  title: Acme
  version: 1.2.0
  instructions: "Call list first."
  allowed_origins: [https://claude.ai, "http://localhost:6274"]
  allowed_hosts: [mcp.example.com, "localhost:9090"]
  sessions: false
  session_ttl_s: 3600
  page_size: 25
  cache: { ttl_ms: 1000, scope: private }
  limits: { max_body_bytes: 2048, max_header_bytes: 1024, idle_timeout_ms: 1, read_timeout_ms: 2, write_timeout_ms: 3, drain_timeout_ms: 0 }
  sse: { keepalive_ms: 500, retry_ms: 0 }
upstream:
  base_url: https://api.example.com/v1//
  timeout_ms: 7000
  connect_timeout_ms: 700
  max_response_bytes: 4096
  headers: { User-Agent: acme-mcp, X-Env: on }
  credential: { bearer_header: X-Bearer, api_key_header: X-Key, allow_argument: true, fallback: fixed }
tools:
  - name: get_workflow
    title: Get a workflow
    description: Returns one workflow.
    input_schema:
      type: object
      properties:
        workflow_id: { type: string }
        limit: { type: integer }
      required: [workflow_id]
    output_schema: { properties: { id: { type: string } } }
    annotations: { readOnlyHint: true, title: Workflow }
    icons: [{ src: "https://x/i.png", sizes: ["48x48"] }]
    http:
      method: patch
      path: /workflows/{workflow_id}/steps/{workflow_id}
      query: [limit]
      body: { field: limit }
      headers: { X-Trace: "on", X-Other: 2 }
      response: resource
  - name: list-workflows_2
    description: Lists.
    input_schema: { properties: {} }
    http: { path: /workflows }
)";

TEST(Loader, ReadsEveryFieldOfACompleteConfig) {
  Config c = load_ok(k_full);
  EXPECT_EQ(c.file, "test.yaml");

  const ServerConfig& s = c.server;
  EXPECT_EQ(s.listen, "0.0.0.0:9090");
  EXPECT_EQ(s.public_url, "https://mcp.example.com");  // lower-cased, trailing slash dropped
  EXPECT_EQ(s.threads, 4u);
  EXPECT_EQ(s.name, "acme-mcp");
  EXPECT_EQ(s.title, "Acme");
  EXPECT_EQ(s.version, "1.2.0");
  EXPECT_EQ(s.instructions, "Call list first.");
  EXPECT_EQ(s.allowed_origins, (std::vector<std::string>{"https://claude.ai", "http://localhost:6274"}));
  EXPECT_EQ(s.allowed_hosts, (std::vector<std::string>{"mcp.example.com", "localhost:9090"}));
  EXPECT_FALSE(s.sessions);
  EXPECT_EQ(s.session_ttl, 3600s);
  EXPECT_EQ(s.page_size, 25u);
  EXPECT_EQ(s.cache.ttl_ms, 1000);
  EXPECT_EQ(s.cache.scope, "private");
  EXPECT_EQ(s.max_body_bytes, 2048u);
  EXPECT_EQ(s.max_header_bytes, 1024u);
  EXPECT_EQ(s.idle_timeout, 1ms);
  EXPECT_EQ(s.read_timeout, 2ms);
  EXPECT_EQ(s.write_timeout, 3ms);
  EXPECT_EQ(s.drain_timeout, 0ms);
  EXPECT_EQ(s.sse_keepalive, 500ms);
  EXPECT_EQ(s.sse_retry, 0ms);

  const UpstreamConfig& u = c.upstream;
  EXPECT_EQ(u.base_url, "https://api.example.com/v1");
  EXPECT_EQ(u.timeout, 7000ms);
  EXPECT_EQ(u.connect_timeout, 700ms);
  EXPECT_EQ(u.max_response_bytes, 4096u);
  using Headers = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(u.headers, (Headers{{"User-Agent", "acme-mcp"}, {"X-Env", "on"}}));
  EXPECT_EQ(u.credential.bearer_header, "X-Bearer");
  EXPECT_EQ(u.credential.api_key_header, "X-Key");
  EXPECT_TRUE(u.credential.allow_argument);
  EXPECT_EQ(u.credential.fallback, "fixed");

  ASSERT_EQ(c.tools.size(), 2u);
  const ToolConfig& t = c.tools[0];
  EXPECT_EQ(t.where.file, "test.yaml");
  EXPECT_EQ(t.where.line, 25);
  EXPECT_EQ(t.where.key, "tools[0]");
  EXPECT_EQ(t.name, "get_workflow");
  EXPECT_EQ(t.title, "Get a workflow");
  EXPECT_EQ(t.description, "Returns one workflow.");
  EXPECT_EQ(
      json::serialize(t.input_schema),
      R"({"type":"object","properties":{"workflow_id":{"type":"string"},"limit":{"type":"integer"}},"required":["workflow_id"]})");
  ASSERT_TRUE(t.output_schema);
  EXPECT_EQ(json::serialize(*t.output_schema), R"({"type":"object","properties":{"id":{"type":"string"}}})");
  ASSERT_TRUE(t.annotations);
  EXPECT_EQ(json::serialize(*t.annotations), R"({"title":"Workflow","readOnlyHint":true})");
  ASSERT_TRUE(t.icons);
  EXPECT_EQ(json::serialize(*t.icons), R"([{"src":"https://x/i.png","sizes":["48x48"]}])");
  EXPECT_EQ(t.http.method, "PATCH");
  EXPECT_EQ(t.http.path, "/workflows/{workflow_id}/steps/{workflow_id}");
  EXPECT_EQ(t.http.path_params, std::vector<std::string>{"workflow_id"});
  EXPECT_EQ(t.http.query, std::optional(std::vector<std::string>{"limit"}));
  EXPECT_EQ(t.http.body, BodyMode::field);
  EXPECT_EQ(t.http.body_field, "limit");
  EXPECT_EQ(t.http.headers, (Headers{{"X-Trace", "on"}, {"X-Other", "2"}}));
  EXPECT_EQ(t.http.response, "resource");

  const ToolConfig& l = c.tools[1];
  EXPECT_EQ(l.name, "list-workflows_2");
  EXPECT_EQ(json::serialize(l.input_schema), R"({"type":"object","properties":{}})");
  EXPECT_FALSE(l.output_schema);
  EXPECT_FALSE(l.annotations);
  EXPECT_FALSE(l.icons);
  EXPECT_EQ(l.http.method, "GET");
  EXPECT_EQ(l.http.body, BodyMode::none);
  EXPECT_FALSE(l.http.query);
  EXPECT_EQ(l.http.response, "auto");
}

TEST(Loader, AMinimalConfigTakesTheDefaults) {
  Config c = load_ok("upstream: { base_url: 'http://127.0.0.1:3000' }\n");
  ServerConfig defaults;
  EXPECT_EQ(c.server.listen, defaults.listen);
  EXPECT_EQ(c.server.public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(c.server.name, "mcpedge");
  EXPECT_TRUE(c.server.sessions);
  EXPECT_EQ(c.server.cache.scope, "public");
  EXPECT_EQ(c.server.max_body_bytes, defaults.max_body_bytes);
  EXPECT_EQ(c.server.sse_keepalive, defaults.sse_keepalive);
  EXPECT_EQ(c.upstream.base_url, "http://127.0.0.1:3000");
  EXPECT_EQ(c.upstream.credential.bearer_header, "Authorization");
  EXPECT_TRUE(c.tools.empty());
}

TEST(Loader, PublicUrlDefaultsToTheListenAddress) {
  Config c = load_ok("server: { listen: '[::1]:9000' }\nupstream: { base_url: http://u }\n");
  EXPECT_EQ(c.server.public_url, "http://[::1]:9000");
}

TEST(Loader, AKeyWithoutValueKeepsTheDefault) {
  Config c = load_ok("server:\n  title:\n  page_size:\nupstream: { base_url: http://u }\n");
  EXPECT_EQ(c.server.title, "");
  EXPECT_EQ(c.server.page_size, 50u);
}

TEST(Loader, BodyDefaultsFollowTheMethod) {
  Config c = load_ok(R"(upstream: { base_url: http://u }
tools:
  - { name: a, description: d, input_schema: {}, http: { method: post, path: /a } }
  - { name: b, description: d, input_schema: {}, http: { method: Delete, path: /b } }
  - { name: c, description: d, input_schema: {}, http: { method: GET, path: /c, body: all } }
  - { name: e, description: d, input_schema: {}, http: { method: PUT, path: /e, body: none } }
)");
  ASSERT_EQ(c.tools.size(), 4u);
  EXPECT_EQ(c.tools[0].http.method, "POST");
  EXPECT_EQ(c.tools[0].http.body, BodyMode::all);
  EXPECT_EQ(c.tools[1].http.method, "DELETE");
  EXPECT_EQ(c.tools[1].http.body, BodyMode::none);
  EXPECT_EQ(c.tools[2].http.body, BodyMode::all);
  EXPECT_EQ(c.tools[3].http.body, BodyMode::none);
}

TEST(Loader, SchemasFollowTheYamlCoreSchema) {
  Config c = load_ok(R"(upstream: { base_url: http://u }
tools:
  - name: t
    description: d
    input_schema:
      properties:
        a: { default: 12, minimum: -3, hex: 0x1F, oct: 0o17, big: 9223372036854775808 }
        b: { default: 1.5, exp: 1e3, half: .5 }
        c: { on: true, off: False, word: yes, other: on }
        d: { n1: null, n2: ~, n3: }
        e: { s1: "12", s2: 'true', s3: !!str 7, s4: "null", i: !!int "5", f: !!float 2 }
        f:
          list: [1, "2", x]
          text: |
            two
            lines
      required: []
    http: { path: /t }
)");
  ASSERT_EQ(c.tools.size(), 1u);
  EXPECT_EQ(json::serialize(c.tools[0].input_schema.at("properties")),
            R"({"a":{"default":12,"minimum":-3,"hex":31,"oct":15,"big":9223372036854775808},)"
            R"("b":{"default":1.5E0,"exp":1E3,"half":5E-1},)"
            R"("c":{"on":true,"off":false,"word":"yes","other":"on"},)"
            R"("d":{"n1":null,"n2":null,"n3":null},)"
            R"("e":{"s1":"12","s2":"true","s3":"7","s4":"null","i":5,"f":2E0},)"
            R"("f":{"list":[1,"2","x"],"text":"two\nlines\n"}})");
  const auto& a = c.tools[0].input_schema.at("properties").at("a");
  EXPECT_TRUE(a.at("default").is_int64());
  EXPECT_TRUE(a.at("big").is_uint64());
}

TEST(Loader, SubstitutesEnvironmentVariables) {
  ScopedEnv key("MCPEDGE_TEST_KEY", "s3cret");
  ScopedEnv host("MCPEDGE_TEST_HOST", "api.internal");
  ScopedEnv threads("MCPEDGE_TEST_THREADS", "6");
  Config c = load_ok(R"(server:
  threads: ${MCPEDGE_TEST_THREADS}
  limits: { max_body_bytes: "${MCPEDGE_TEST_THREADS}0" }  # in a flow mapping ${ must be quoted
  instructions: "cost $$5, literal $${HOME}"
upstream:
  base_url: https://${MCPEDGE_TEST_HOST}:8443/v${MCPEDGE_TEST_THREADS}
  credential: { fallback: "${MCPEDGE_TEST_KEY}" }
)");
  EXPECT_EQ(c.server.threads, 6u);
  EXPECT_EQ(c.server.max_body_bytes, 60u);
  EXPECT_EQ(c.server.instructions, "cost $$5, literal ${HOME}");
  EXPECT_EQ(c.upstream.base_url, "https://api.internal:8443/v6");
  EXPECT_EQ(c.upstream.credential.fallback, "s3cret");
}

TEST(Loader, SubstitutesEnvironmentVariablesInSchemasBeforeTyping) {
  ScopedEnv max("MCPEDGE_TEST_MAX", "100");
  Config c = load_ok(R"(upstream: { base_url: http://u }
tools:
  - name: t
    description: "max ${MCPEDGE_TEST_MAX}"
    http: { path: /t }
    input_schema:
      properties:
        n:
          maximum: ${MCPEDGE_TEST_MAX}
          title: "${MCPEDGE_TEST_MAX}"
)");
  ASSERT_EQ(c.tools.size(), 1u);
  EXPECT_EQ(c.tools[0].description, "max 100");
  EXPECT_EQ(json::serialize(c.tools[0].input_schema.at("properties")), R"({"n":{"maximum":100,"title":"100"}})");
}

TEST(LoadFile, ReadsAFileAndNamesItInErrors) {
  auto path = std::filesystem::temp_directory_path() / ("mcpedge_loader_test_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out(path);
    out << "upstream:\n  base_url: http://u\n  timeout_ms: soon\n";
  }
  auto result = load_file(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 1u);
  EXPECT_EQ(
      result.error()[0].to_string(),
      path.string() + ":3: upstream.timeout_ms: expected an integer, got \"soon\"; write a plain number such as 10000");
}

TEST(LoadFile, ReportsAMissingFile) {
  auto result = load_file("/nonexistent/mcpedge.yaml");
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 1u);
  const ConfigError& e = result.error()[0];
  EXPECT_EQ(e.where.file, "/nonexistent/mcpedge.yaml");
  EXPECT_EQ(e.where.line, 0);
  EXPECT_EQ(e.where.key, "");
  EXPECT_EQ(e.message, "cannot read file: No such file or directory; check the path and its permissions");
}

TEST(LoadFile, ReportsADirectory) {
  auto result = load_file(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error()[0].message, "cannot read file: Is a directory; check the path and its permissions");
}

// The example in docs/configuration.md is the one users copy: it must load.
TEST(Docs, TheExampleInConfigurationMdLoads) {
  const char* data = std::getenv("MCPEDGE_TEST_DATA");  // tests/unit/data, set by ctest
  if (!data) GTEST_SKIP() << "MCPEDGE_TEST_DATA is not set; run under ctest";
  auto doc = (std::filesystem::path(data) / ".." / ".." / ".." / "docs" / "configuration.md").lexically_normal();
  std::ifstream in(doc);
  ASSERT_TRUE(in) << "cannot open " << doc;
  std::stringstream text;
  text << in.rdbuf();
  std::string md = text.str();
  auto begin = md.find("```yaml\n");
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  auto end = md.find("```", begin);
  ScopedEnv key("ACME_SERVICE_KEY", "from-env");

  Config c = load_ok(md.substr(begin, end - begin));
  EXPECT_EQ(c.server.public_url, "https://mcp.example.com");
  EXPECT_EQ(c.upstream.credential.fallback, "from-env");
  ASSERT_EQ(c.tools.size(), 3u);
  EXPECT_EQ(c.tools[1].http.method, "GET");
  EXPECT_EQ(c.tools[1].http.path_params, std::vector<std::string>{"workflow_id"});
  EXPECT_EQ(c.tools[2].http.body, BodyMode::field);
  EXPECT_EQ(c.tools[2].http.body_field, "input");
}

}  // namespace
}  // namespace mcpedge::config
