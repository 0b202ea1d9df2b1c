// Table of invalid configurations and the exact error each one must produce.
#include "config/config.hpp"

#include "config_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

namespace mcpedge::config {
namespace {

using testing::all_errors;
using testing::k_upstream;
using Case = testing::ErrorCase;

std::string tool(const std::string& http,
                 const std::string& schema = "{ properties: { id: { type: string } }, required: [id] }") {
  return "tools:\n"
         "  - name: t\n"
         "    description: d\n"
         "    input_schema: " +
         schema +
         "\n"
         "    http: " +
         http + "\n";
}

class LoaderError : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() { ::setenv("MCPEDGE_TEST_WORD", "twenty", 1); }
  static void TearDownTestSuite() { ::unsetenv("MCPEDGE_TEST_WORD"); }
};

TEST_P(LoaderError, ReportsFileLineKeyAndWhatToDo) { testing::expect_reported(GetParam()); }

std::string long_name(std::size_t n) { return std::string(n, 'x'); }

const Case k_cases[] = {
    {"UnknownKeyWithSuggestion", std::string("server:\n  listn: 0.0.0.0:1\n") + k_upstream,
     R"(test.yaml:2: server.listn: unknown key; did you mean "listen"?)"},
    {"UnknownToolKeyWithSuggestion",
     std::string(k_upstream) + "tools:\n  - name: t\n    description: d\n    input_schema: {}\n    htp: { path: /t }\n",
     R"(test.yaml:6: tools[0].htp: unknown key; did you mean "http"?)"},
    {"UnknownKeyWithoutSuggestion", std::string("server: { sse: { colour: red } }\n") + k_upstream,
     "test.yaml:1: server.sse.colour: unknown key; expected one of: keepalive_ms, retry_ms"},
    {"UnknownTopLevelKey", std::string(k_upstream) + "tool: []\n",
     R"(test.yaml:2: tool: unknown key; did you mean "tools"?)"},
    {"DuplicateKey", std::string("server:\n  name: a\n  name: b\n") + k_upstream,
     "test.yaml:3: server.name: duplicate key (first set at line 2); remove one of them"},
    {"BadToolName",
     std::string(k_upstream) +
         "tools:\n  - name: get workflow\n    description: d\n    input_schema: {}\n    http: { path: /t }\n",
     R"(test.yaml:3: tools[0].name: invalid tool name "get workflow"; use 1 to 64 letters, digits, _ or -)"},
    {"ToolNameTooLong",
     std::string(k_upstream) + "tools:\n  - { name: " + long_name(65) +
         ", description: d, input_schema: {}, http: { path: /t } }\n",
     "test.yaml:3: tools[0].name: invalid tool name \"" + long_name(65) + "\"; use 1 to 64 letters, digits, _ or -"},
    {"DuplicateToolNameNamesTheFirstLine",
     std::string(k_upstream) + "tools:\n"
                               "  - { name: t, description: d, input_schema: {}, http: { path: /a } }\n"
                               "  - { name: u, description: d, input_schema: {}, http: { path: /b } }\n"
                               "  - { name: t, description: d, input_schema: {}, http: { path: /c } }\n",
     R"(test.yaml:5: tools[2].name: duplicate tool name "t" (first defined at line 3); rename one of them)"},
    {"MissingDescription", std::string(k_upstream) + "tools:\n  - { name: t, input_schema: {}, http: { path: /t } }\n",
     "test.yaml:3: tools[0].description: is required; say what the tool does; the model reads it to decide when to "
     "call the tool"},
    {"MissingInputSchema", std::string(k_upstream) + "tools:\n  - { name: t, description: d, http: { path: /t } }\n",
     "test.yaml:3: tools[0].input_schema: is required; write input_schema: { type: object, properties: {...} }"},
    {"InputSchemaTypeMustBeObject", std::string(k_upstream) + tool("{ path: /t }", "{ type: array }"),
     R"(test.yaml:5: tools[0].input_schema.type: must be "object" (MCP tools take a JSON object of arguments); put the arguments under properties)"},
    {"InputSchemaMustBeAMapping", std::string(k_upstream) + tool("{ path: /t }", "[id]"),
     "test.yaml:5: tools[0].input_schema: must be a mapping (a JSON Schema with type: object), got a list; write { "
     "type: object, properties: {...} }"},
    {"ReservedApiKeyProperty",
     std::string(k_upstream) + tool("{ path: /t }", "{ properties: { _api_key: { type: string } } }"),
     R"(test.yaml:5: tools[0].input_schema.properties._api_key: "_api_key" is reserved for the credential argument; rename the property)"},
    {"UnknownPathParameterWithSuggestion",
     std::string(k_upstream) +
         tool("{ path: '/w/{workflowId}' }", "{ properties: { workflow_id: {} }, required: [workflow_id] }"),
     "test.yaml:6: tools[0].http.path: unknown parameter {workflowId}; did you mean {workflow_id}?"},
    {"UnknownPathParameterWithoutSuggestion", std::string(k_upstream) + tool("{ path: '/w/{name}' }"),
     R"(test.yaml:6: tools[0].http.path: unknown parameter {name}; add "name" to input_schema.properties)"},
    {"PathParameterMustBeRequired", std::string(k_upstream) + tool("{ path: '/w/{id}' }", "{ properties: { id: {} } }"),
     R"(test.yaml:6: tools[0].http.path: path parameter {id} must be required in input_schema; add "id" to input_schema.required)"},
    {"UnbalancedOpeningBrace", std::string(k_upstream) + tool("{ path: '/w/{id' }"),
     R"(test.yaml:6: tools[0].http.path: unbalanced "{" at position 4 of "/w/{id"; close it with })"},
    {"UnbalancedClosingBrace", std::string(k_upstream) + tool("{ path: '/w/id}' }"),
     R"(test.yaml:6: tools[0].http.path: unbalanced "}" at position 6 of "/w/id}"; remove it or add the matching {)"},
    {"PathMustStartWithSlash", std::string(k_upstream) + tool("{ path: 'w/{id}' }"),
     R"(test.yaml:6: tools[0].http.path: must start with "/", got "w/{id}"; write "/w/{id}")"},
    {"MissingPath", std::string(k_upstream) + tool("{ method: GET }"),
     "test.yaml:6: tools[0].http.path: is required; add path: /resource/{id} (appended to upstream.base_url)"},
    {"UnknownQueryArgumentWithSuggestion",
     std::string(k_upstream) + tool("{ path: /t, query: [id, lmit] }", "{ properties: { id: {}, limit: {} } }"),
     R"(test.yaml:6: tools[0].http.query[1]: unknown argument "lmit"; did you mean "limit"?)"},
    {"QueryArgumentIsAlreadyInThePath", std::string(k_upstream) + tool("{ path: '/t/{id}', query: [id] }"),
     R"(test.yaml:6: tools[0].http.query[0]: "id" is already sent as path parameter {id}; remove it from query)"},
    {"UnknownBodyField", std::string(k_upstream) + tool("{ method: POST, path: /t, body: { field: payload } }"),
     R"(test.yaml:6: tools[0].http.body.field: unknown argument "payload"; add "payload" to input_schema.properties)"},
    {"BadBodyMode", std::string(k_upstream) + tool("{ method: POST, path: /t, body: some }"),
     R"(test.yaml:6: tools[0].http.body: must be all, none or {field: NAME}, got "some")"},
    {"BadMethod", std::string(k_upstream) + tool("{ method: fetch, path: /t }"),
     R"(test.yaml:6: tools[0].http.method: unsupported method "fetch"; use one of GET, POST, PUT, PATCH, DELETE, HEAD)"},
    {"BadResponseMode", std::string(k_upstream) + tool("{ path: /t, response: json }"),
     R"(test.yaml:6: tools[0].http.response: must be auto, text or resource, got "json"; auto picks by the reply's Content-Type)"},
    {"BadHeaderName", std::string(k_upstream) + tool("{ path: /t, headers: { 'X Trace': on } }"),
     R"(test.yaml:6: tools[0].http.headers.X Trace: invalid header name "X Trace"; use letters, digits and - only)"},
    {"UnknownAnnotationWithSuggestion",
     std::string(k_upstream) + "tools:\n  - name: t\n    description: d\n    input_schema: {}\n    annotations: { "
                               "readonlyHint: true }\n    http: { path: /t }\n",
     R"(test.yaml:6: tools[0].annotations.readonlyHint: unknown key; did you mean "readOnlyHint"?)"},
    {"IconWithoutSrc",
     std::string(k_upstream) + "tools:\n  - name: t\n    description: d\n    input_schema: {}\n    icons:\n      - { "
                               "mimeType: image/png }\n    http: { path: /t }\n",
     "test.yaml:7: tools[0].icons[0].src: is required; give the icon's URL"},
    {"EnvironmentVariableNotSet",
     std::string(k_upstream) + "server:\n  title: Acme\n  instructions: \"key ${MCPEDGE_TEST_SURELY_UNSET}\"\n",
     "test.yaml:4: server.instructions: environment variable MCPEDGE_TEST_SURELY_UNSET is not set; set it before "
     "starting, or write $${ for a literal ${"},
    {"UnterminatedEnvironmentReference", std::string(k_upstream) + "server: { title: 'a ${OOPS' }\n",
     "test.yaml:2: server.title: unterminated ${ in \"a ${OOPS\"; close it with } or write $${ for a literal ${"},
    {"YamlSyntaxErrorHasALine", std::string(k_upstream) + "server:\n  allowed_origins: [https://a\n  name: x\n",
     "test.yaml:4: invalid YAML: end of sequence flow not found (column 7); fix the syntax on this line or the one "
     "before it"},
    {"YamlIndentationError", std::string(k_upstream) + "server:\n  name: a\n   title: b\n",
     "test.yaml:4: invalid YAML: illegal map value (column 9); fix the syntax on this line or the one before it"},
    {"StringWhereANumberIsExpected", std::string(k_upstream) + "server:\n  threads: many\n",
     R"(test.yaml:3: server.threads: expected an integer, got "many"; write a plain number such as 0)"},
    {"QuotedNumber", std::string(k_upstream) + "server:\n  page_size: \"20\"\n",
     R"(test.yaml:3: server.page_size: expected an integer, got the string "20"; remove the quotes)"},
    {"QuotedVariableThatIsNotANumber", std::string(k_upstream) + "server: { page_size: \"${MCPEDGE_TEST_WORD}\" }\n",
     R"(test.yaml:2: server.page_size: expected an integer, got "twenty"; write a plain number such as 50)"},
    {"NegativeSize", std::string(k_upstream) + "server:\n  limits:\n    max_body_bytes: -1\n",
     "test.yaml:4: server.limits.max_body_bytes: must be at least 1, got -1; write a plain number such as 1048576"},
    {"FloatWhereAnIntegerIsExpected", std::string(k_upstream) + "server: { session_ttl_s: 1.5 }\n",
     R"(test.yaml:2: server.session_ttl_s: expected an integer, got "1.5"; write a plain number such as 86400)"},
    {"NotABoolean", std::string(k_upstream) + "server: { sessions: yes }\n",
     R"(test.yaml:2: server.sessions: expected true or false, got "yes")"},
    {"ListWhereAStringIsExpected", std::string(k_upstream) + "server: { name: [a, b] }\n",
     R"(test.yaml:2: server.name: expected a string, got a list; quote the value if it contains ": " or starts with [ or {)"},
    {"ScalarWhereAListIsExpected", std::string(k_upstream) + "server: { allowed_origins: https://claude.ai }\n",
     R"(test.yaml:2: server.allowed_origins: expected a list, got the value "https://claude.ai"; write [a, b] or one "- item" per line)"},
    {"MissingBaseUrl", "upstream:\n  timeout_ms: 100\n",
     "test.yaml:1: upstream.base_url: is required; add base_url: https://api.example.com/v1 (the API the tools call)"},
    {"MissingUpstream", "server: { name: x }\n",
     "test.yaml:1: upstream: is required; add upstream: { base_url: https://api.example.com/v1 }"},
    {"BaseUrlMustBeHttp", "upstream: { base_url: 'ftp://files.example.com' }\n",
     R"(test.yaml:1: upstream.base_url: must be an http(s) URL such as https://api.example.com/v1, got "ftp://files.example.com")"},
    {"BaseUrlPortOutOfRange", "upstream: { base_url: 'http://api:99999' }\n",
     R"(test.yaml:1: upstream.base_url: "http://api:99999" has a port that is not a number from 0 to 65535; write it like https://api.example.com/v1)"},
    {"EmptyToolItem", std::string(k_upstream) + "tools:\n  -\n",
     "test.yaml:2: tools[0]: expected a tool (a mapping with name, description, input_schema and http), got nothing"},
    {"BadCacheScope", std::string(k_upstream) + "server:\n  cache: { scope: shared }\n",
     R"(test.yaml:3: server.cache.scope: must be "public" or "private", got "shared"; use private when replies depend on the caller)"},
    {"OriginWithPath", std::string(k_upstream) + "server:\n  allowed_origins:\n    - https://claude.ai/chat\n",
     R"(test.yaml:4: server.allowed_origins[0]: must be an origin without a path, got "https://claude.ai/chat"; write "https://claude.ai")"},
    {"PublicUrlWithPath", std::string(k_upstream) + "server: { public_url: 'https://x.example/mcp' }\n",
     R"(test.yaml:2: server.public_url: must be an origin without a path, got "https://x.example/mcp"; write "https://x.example")"},
    {"ListenWithoutPort", std::string(k_upstream) + "server: { listen: 8080 }\n",
     R"(test.yaml:2: server.listen: must be host:port, got "8080"; write 127.0.0.1:8080 (local) or 0.0.0.0:8080 (all interfaces))"},
    {"DuplicateKeyInASchema",
     std::string(k_upstream) + "tools:\n  - name: t\n    description: d\n    input_schema:\n      properties:\n        "
                               "a: {}\n        a: {}\n    http: { path: /t }\n",
     "test.yaml:8: tools[0].input_schema.properties.a: duplicate key (first set at line 7); remove one of them"},
    {"IntegerTooLarge", std::string(k_upstream) + "server:\n  limits:\n    max_body_bytes: 99999999999999999999\n",
     "test.yaml:4: server.limits.max_body_bytes: is too large: 99999999999999999999; write a plain number such as "
     "1048576"},
    {"InfinityInASchema", std::string(k_upstream) + tool("{ path: /t }", "{ properties: { n: { maximum: .inf } } }"),
     R"(test.yaml:5: tools[0].input_schema.properties.n.maximum: ".inf" has no JSON equivalent; use a finite number, or quote it to make it a string)"},
    {"EmptyFile", "",
     "test.yaml: the file is empty; it needs at least an upstream section with base_url and a tools list"},
    {"TopLevelIsAList", "- a\n- b\n",
     "test.yaml:1: expected a mapping with server, upstream and tools at the top level, got a list"},
};

INSTANTIATE_TEST_SUITE_P(Config, LoaderError, ::testing::ValuesIn(k_cases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(LoaderErrors, CollectsEveryErrorSortedByLine) {
  auto result = load_text(R"(server:
  threads: -1
  cache: { scope: shared }
upstream:
  timeout_ms: 0
tools:
  - name: bad name
    description: d
    input_schema: { type: string }
    http: { path: nowhere }
)",
                          "g.yaml");
  ASSERT_FALSE(result);
  EXPECT_EQ(
      all_errors(result.error()),
      "g.yaml:2: server.threads: must be at least 0, got -1; write a plain number such as 0\n"
      "g.yaml:3: server.cache.scope: must be \"public\" or \"private\", got \"shared\"; use private when replies "
      "depend on the caller\n"
      "g.yaml:4: upstream.base_url: is required; add base_url: https://api.example.com/v1 (the API the tools call)\n"
      "g.yaml:5: upstream.timeout_ms: must be at least 1, got 0; write a plain number such as 10000\n"
      "g.yaml:7: tools[0].name: invalid tool name \"bad name\"; use 1 to 64 letters, digits, _ or -\n"
      "g.yaml:9: tools[0].input_schema.type: must be \"object\" (MCP tools take a JSON object of arguments); put the "
      "arguments under properties\n"
      "g.yaml:10: tools[0].http.path: must start with \"/\", got \"nowhere\"; write \"/nowhere\"\n");
}

TEST(LoaderErrors, AnUnsetVariableIsReportedOncePerUse) {
  ::unsetenv("MCPEDGE_TEST_UNSET_A");
  auto result = load_text(
      "upstream:\n  base_url: http://${MCPEDGE_TEST_UNSET_A}\n  credential: { fallback: '${MCPEDGE_TEST_UNSET_A}' }\n",
      "e.yaml");
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 2u) << all_errors(result.error());
  EXPECT_EQ(result.error()[0].where.key, "upstream.base_url");
  EXPECT_EQ(result.error()[0].where.line, 2);
  EXPECT_EQ(result.error()[1].where.key, "upstream.credential.fallback");
  EXPECT_EQ(result.error()[1].where.line, 3);
}

}  // namespace
}  // namespace mcpedge::config
