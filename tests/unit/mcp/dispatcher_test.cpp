// Tests of the method dispatcher with a real catalog: lifecycle, discovery, paging, tools/call.
#include "mcp/dispatcher.hpp"

#include "crypto/encoding.hpp"
#include "http/server.hpp"

#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <boost/json.hpp>

namespace mcpedge::mcp {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// Port 1 on loopback refuses connections: tool calls that get past the checks fail fast upstream.
constexpr const char* k_config = R"(server:
  name: test-gw
  title: Test Gateway
  version: 9.9.9
  page_size: 2
  cache: { ttl_ms: 1234, scope: private }
upstream:
  base_url: http://127.0.0.1:1
  timeout_ms: 3000
  connect_timeout_ms: 1000
tools:
  - name: list_workflows
    title: List workflows
    description: Lists workflows.
    input_schema:
      properties:
        limit: { type: integer, minimum: 1, maximum: 100 }
    output_schema: { properties: { items: { type: array } } }
    icons: [{ src: "https://mcp.example.com/i.png" }]
    http: { method: GET, path: /workflows }
  - name: get_workflow
    description: Returns one workflow.
    input_schema:
      properties:
        workflow_id: { type: string }
        region: { type: string, x-mcp-header: Region }
      required: [workflow_id]
    http: { path: "/workflows/{workflow_id}" }
  - name: summarize
    description: Summarizes with the client's model.
    input_schema: { properties: { text: { type: string } } }
    client_capabilities: { sampling: {} }
    http: { method: POST, path: /summaries }
)";

struct Call {
  Revision revision = Revision::v2025_11_25;
  bool modern = false;
  json::object capabilities;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = config::load_text(k_config, "test.yaml");
    ASSERT_TRUE(loaded) << (loaded ? "" : loaded.error().front().to_string());
    config_ = std::move(*loaded);
    auto built = tools::Catalog::build(config_);
    ASSERT_TRUE(built);
    catalog_ = *built;
    dispatcher_ = std::make_unique<Dispatcher>(catalog_, config_.server);
  }

  Outcome handle(std::string_view body, const Call& call = {}) {
    auto message = parse_message(json::parse(body));
    if (!message) {
      ADD_FAILURE() << "test message does not parse: " << message.error().error.message;
      return {};
    }
    RequestContext ctx{call.revision, call.modern, {}, call.capabilities, worker_, request_};
    worker_.loop().restart();
    auto future = asio::co_spawn(worker_.loop(), dispatcher_->handle(ctx, *message), asio::use_future);
    worker_.loop().run();
    return future.get();
  }

  // The parsed JSON-RPC response of a call expected to succeed: its "result".
  json::object result_of(std::string_view body, const Call& call = {}) {
    Outcome out = handle(body, call);
    EXPECT_EQ(out.status, http::Status::ok);
    json::value reply = json::parse(out.body);
    if (!reply.as_object().contains("result")) {
      ADD_FAILURE() << "expected a result, got " << out.body;
      return {};
    }
    return reply.at("result").as_object();
  }

  // The "error" member of a call expected to fail.
  json::object error_of(const Outcome& out) {
    json::value reply = json::parse(out.body);
    if (!reply.as_object().contains("error")) {
      ADD_FAILURE() << "expected an error, got " << out.body;
      return {};
    }
    return reply.at("error").as_object();
  }

  static std::vector<std::string> names(const json::object& list_result) {
    std::vector<std::string> out;
    for (const auto& t : list_result.at("tools").as_array()) out.emplace_back(t.at("name").as_string());
    return out;
  }

  config::Config config_;
  std::shared_ptr<const tools::Catalog> catalog_;
  std::unique_ptr<Dispatcher> dispatcher_;
  http::ServerLimits limits_;
  http::Worker worker_{0, limits_};
  http::Request request_{http::Verb::post, "/mcp", 11};
};

const Call k_modern{Revision::v2026_07_28, true, json::object{}};

std::string initialize(std::string_view version) {
  return std::string(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":")") +
         std::string(version) + R"(","capabilities":{"roots":{}},"clientInfo":{"name":"t","version":"1"}}})";
}

TEST_F(DispatcherTest, InitializeEchoesASupportedLegacyVersion) {
  Outcome out = handle(initialize("2024-11-05"));
  json::object result = json::parse(out.body).at("result").as_object();
  EXPECT_EQ(result.at("protocolVersion"), "2024-11-05");
  EXPECT_EQ(out.negotiated, Revision::v2024_11_05);
  EXPECT_EQ(out.initialize_capabilities, (json::object{{"roots", json::object{}}}));
  EXPECT_EQ(result.at("serverInfo"), json::parse(R"({"name":"test-gw","version":"9.9.9"})"));  // no title yet
  EXPECT_TRUE(result.at("capabilities").as_object().contains("tools"));
  EXPECT_TRUE(result.at("capabilities").as_object().contains("logging"));
}

TEST_F(DispatcherTest, InitializeOn2025_06_18ReportsTheServerTitle) {
  json::object result = result_of(initialize("2025-06-18"));
  EXPECT_EQ(result.at("protocolVersion"), "2025-06-18");
  EXPECT_EQ(result.at("serverInfo"), json::parse(R"({"name":"test-gw","version":"9.9.9","title":"Test Gateway"})"));
}

TEST_F(DispatcherTest, InitializeWithAnUnknownVersionAnswersTheLatestLegacyVersion) {
  Outcome out = handle(initialize("1999-01-01"));
  EXPECT_EQ(json::parse(out.body).at("result").at("protocolVersion"), "2025-11-25");
  EXPECT_EQ(out.negotiated, Revision::v2025_11_25);
}

TEST_F(DispatcherTest, InitializeAsking2026_07_28NegotiatesTheLatestLegacyVersion) {
  // 2026-07-28 has no initialize handshake: a client asking for it there gets a session revision.
  Outcome out = handle(initialize("2026-07-28"));
  EXPECT_EQ(json::parse(out.body).at("result").at("protocolVersion"), "2025-11-25");
  EXPECT_EQ(out.negotiated, Revision::v2025_11_25);
}

TEST_F(DispatcherTest, InitializeWithoutProtocolVersionIsInvalidParams) {
  Outcome out = handle(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})");
  EXPECT_EQ(error_of(out).at("code"), k_invalid_params);
  EXPECT_EQ(out.negotiated, std::nullopt);
}

TEST_F(DispatcherTest, PingAnswersExactlyAnEmptyObject) {
  Outcome out = handle(R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
  EXPECT_EQ(out.status, http::Status::ok);
  EXPECT_EQ(out.body, R"({"jsonrpc":"2.0","id":"p","result":{}})");
}

TEST_F(DispatcherTest, PingAndLoggingAreGoneWhenModern) {
  Outcome ping = handle(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", k_modern);
  EXPECT_EQ(error_of(ping).at("code"), k_method_not_found);
  EXPECT_EQ(ping.status, http::Status::not_found);
  Outcome level = handle(R"({"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"info"}})", k_modern);
  EXPECT_EQ(error_of(level).at("code"), k_method_not_found);
  Outcome init = handle(initialize("2025-11-25"), k_modern);
  EXPECT_EQ(error_of(init).at("code"), k_method_not_found);
}

TEST_F(DispatcherTest, NotificationGetsNoAnswer) {
  Outcome out = handle(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_TRUE(out.body.empty());
}

TEST_F(DispatcherTest, ToolsListPagesWithACursor) {
  json::object first = result_of(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");
  EXPECT_EQ(names(first), (std::vector<std::string>{"list_workflows", "get_workflow"}));
  ASSERT_TRUE(first.contains("nextCursor"));
  std::string cursor(first.at("nextCursor").as_string());

  json::object second =
      result_of(R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":")" + cursor + R"("}})");
  EXPECT_EQ(names(second), (std::vector<std::string>{"summarize"}));
  EXPECT_FALSE(second.contains("nextCursor"));
}

TEST_F(DispatcherTest, ToolsListRejectsACursorItDidNotIssue) {
  Outcome garbage = handle(R"({"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"garbage"}})");
  EXPECT_EQ(error_of(garbage).at("code"), k_invalid_params);
  EXPECT_EQ(json::parse(garbage.body).at("id"), 3);
  Outcome number = handle(R"({"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"cursor":7}})");
  EXPECT_EQ(error_of(number).at("code"), k_invalid_params);
}

TEST_F(DispatcherTest, ToolsListRejectsACursorOfAnotherCatalog) {
  // Same shape as the cursors it issues ("<fingerprint>:<page>"), but another catalog's fingerprint.
  std::string stale = crypto::base64url_encode("000000000000:1");
  ASSERT_NE(catalog_->fingerprint(), "000000000000");
  Outcome out = handle(R"({"jsonrpc":"2.0","id":5,"method":"tools/list","params":{"cursor":")" + stale + R"("}})");
  EXPECT_EQ(error_of(out).at("code"), k_invalid_params);
  std::string past_end = crypto::base64url_encode(catalog_->fingerprint() + ":2");
  Outcome beyond =
      handle(R"({"jsonrpc":"2.0","id":6,"method":"tools/list","params":{"cursor":")" + past_end + R"("}})");
  EXPECT_EQ(error_of(beyond).at("code"), k_invalid_params);
}

TEST_F(DispatcherTest, EmptyCursorIsTheFirstPage) {
  json::object page = result_of(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":""}})", k_modern);
  EXPECT_EQ(names(page), (std::vector<std::string>{"list_workflows", "get_workflow"}));
}

TEST_F(DispatcherTest, ToolsListRendersEachRevisionsFields) {
  json::object old = result_of(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", {Revision::v2024_11_05});
  const json::object& old_tool = old.at("tools").at(0).as_object();
  EXPECT_FALSE(old_tool.contains("annotations"));
  EXPECT_FALSE(old_tool.contains("title"));
  EXPECT_FALSE(old_tool.contains("outputSchema"));

  json::object mid = result_of(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", {Revision::v2025_06_18});
  const json::object& mid_tool = mid.at("tools").at(0).as_object();
  EXPECT_EQ(mid_tool.at("title"), "List workflows");
  EXPECT_TRUE(mid_tool.contains("outputSchema"));
  EXPECT_FALSE(mid_tool.contains("icons"));
  EXPECT_FALSE(mid.contains("resultType"));

  json::object latest = result_of(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", {Revision::v2025_11_25});
  EXPECT_TRUE(latest.at("tools").at(0).as_object().contains("icons"));
}

TEST_F(DispatcherTest, ModernToolsListCarriesResultTypeAndCachingHints) {
  json::object result = result_of(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", k_modern);
  EXPECT_EQ(result.at("resultType"), "complete");
  EXPECT_EQ(result.at("ttlMs"), 1234);
  EXPECT_EQ(result.at("cacheScope"), "private");
  EXPECT_EQ(result.at("_meta").at("io.modelcontextprotocol/serverInfo").at("name"), "test-gw");
}

TEST_F(DispatcherTest, ServerDiscoverDescribesTheServerWhenModern) {
  json::object result = result_of(R"({"jsonrpc":"2.0","id":1,"method":"server/discover"})", k_modern);
  EXPECT_EQ(result.at("supportedVersions"), json::array{"2026-07-28"});
  EXPECT_TRUE(result.at("capabilities").as_object().contains("tools"));
  EXPECT_FALSE(result.at("capabilities").as_object().contains("logging"));
  EXPECT_EQ(result.at("resultType"), "complete");
  EXPECT_EQ(result.at("ttlMs"), 1234);
  EXPECT_EQ(result.at("cacheScope"), "private");
  EXPECT_EQ(result.at("_meta").at("io.modelcontextprotocol/serverInfo"),
            json::parse(R"({"name":"test-gw","version":"9.9.9","title":"Test Gateway"})"));
}

TEST_F(DispatcherTest, ServerDiscoverIsUnknownToLegacyRequests) {
  Outcome out = handle(R"({"jsonrpc":"2.0","id":1,"method":"server/discover"})");
  EXPECT_EQ(error_of(out).at("code"), k_method_not_found);
  EXPECT_EQ(out.status, http::Status::ok);
}

TEST_F(DispatcherTest, UnknownMethodIsMethodNotFoundWith404OnlyWhenModern) {
  Outcome legacy = handle(R"({"jsonrpc":"2.0","id":1,"method":"tools/frobnicate"})");
  EXPECT_EQ(error_of(legacy).at("code"), k_method_not_found);
  EXPECT_NE(std::string(error_of(legacy).at("message").as_string()).find("tools/frobnicate"), std::string::npos);
  EXPECT_EQ(legacy.status, http::Status::ok);

  Outcome modern = handle(R"({"jsonrpc":"2.0","id":1,"method":"tools/frobnicate"})", k_modern);
  EXPECT_EQ(error_of(modern).at("code"), k_method_not_found);
  EXPECT_EQ(modern.status, http::Status::not_found);
}

TEST_F(DispatcherTest, StatusForMapsErrorCodesOnlyWhenModern) {
  EXPECT_EQ(Dispatcher::status_for(k_invalid_params, false), http::Status::ok);
  EXPECT_EQ(Dispatcher::status_for(k_invalid_params, true), http::Status::bad_request);
  EXPECT_EQ(Dispatcher::status_for(k_internal_error, true), http::Status::internal_server_error);
  EXPECT_EQ(Dispatcher::status_for(k_missing_capability, true), http::Status::bad_request);
}

TEST_F(DispatcherTest, CallOfAnUnknownToolIsInvalidParamsNamingIt) {
  Outcome out = handle(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope","arguments":{}}})");
  json::object error = error_of(out);
  EXPECT_EQ(error.at("code"), k_invalid_params);
  EXPECT_NE(std::string(error.at("message").as_string()).find("\"nope\""), std::string::npos);
}

TEST_F(DispatcherTest, InvalidArgumentsAreAnErrorResultFrom2025_11_25) {
  json::object result = result_of(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_workflows","arguments":{"limit":0}}})",
      {Revision::v2025_11_25});
  EXPECT_EQ(result.at("isError"), true);
  std::string text(result.at("content").at(0).at("text").as_string());
  EXPECT_NE(text.find("tool \"list_workflows\": invalid arguments"), std::string::npos) << text;
  EXPECT_NE(text.find("/limit"), std::string::npos) << text;
}

TEST_F(DispatcherTest, InvalidArgumentsAreInvalidParamsBefore2025_11_25) {
  Outcome out = handle(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_workflows","arguments":{"limit":0}}})",
      {Revision::v2025_06_18});
  json::object error = error_of(out);
  EXPECT_EQ(error.at("code"), k_invalid_params);
  EXPECT_NE(std::string(error.at("message").as_string()).find("/limit"), std::string::npos);
}

TEST_F(DispatcherTest, ModernCallWithoutTheRequiredClientCapabilityIsRefused) {
  Outcome out =
      handle(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"summarize","arguments":{"text":"x"}}})",
             Call{Revision::v2026_07_28, true, json::object{{"roots", json::object{}}}});
  json::object error = error_of(out);
  EXPECT_EQ(error.at("code"), k_missing_capability);
  EXPECT_EQ(error.at("data"), json::parse(R"({"requiredCapabilities":{"sampling":{}}})"));
  EXPECT_EQ(out.status, http::Status::bad_request);
}

TEST_F(DispatcherTest, CallThatReachesAnUnreachableUpstreamIsAnErrorResult) {
  json::object result = result_of(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_workflow","arguments":{"workflow_id":"wf_1"}}})",
      {Revision::v2025_06_18});
  EXPECT_EQ(result.at("isError"), true);
  std::string text(result.at("content").at(0).at("text").as_string());
  EXPECT_NE(text.find("Calling the API failed for GET /workflows/wf_1"), std::string::npos) << text;
  EXPECT_NE(text.find("unreachable"), std::string::npos) << text;
}

TEST_F(DispatcherTest, ModernCallWithTheDeclaredCapabilityGoesUpstream) {
  json::object result = result_of(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"summarize","arguments":{"text":"x"}}})",
      Call{Revision::v2026_07_28, true, json::object{{"sampling", json::object{}}}});
  EXPECT_EQ(result.at("isError"), true);  // the upstream is unreachable: the capability check passed
  EXPECT_NE(std::string(result.at("content").at(0).at("text").as_string()).find("POST /summaries"), std::string::npos);
  EXPECT_EQ(result.at("resultType"), "complete");
  EXPECT_FALSE(result.contains("ttlMs"));  // tool results are not cacheable
}

TEST_F(DispatcherTest, ModernCallWithArgumentButNoMcpParamHeaderIsHeaderMismatch) {
  Outcome out = handle(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_workflow","arguments":{"workflow_id":"a","region":"eu"}}})",
      k_modern);
  json::object error = error_of(out);
  EXPECT_EQ(error.at("code"), k_header_mismatch);
  EXPECT_NE(std::string(error.at("message").as_string()).find("Mcp-Param-Region"), std::string::npos);
  EXPECT_EQ(out.status, http::Status::bad_request);
}

TEST_F(DispatcherTest, ModernCallWithAMismatchedMcpParamHeaderIsHeaderMismatch) {
  request_.set("Mcp-Param-Region", "us");
  Outcome out = handle(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_workflow","arguments":{"workflow_id":"a","region":"eu"}}})",
      k_modern);
  EXPECT_EQ(error_of(out).at("code"), k_header_mismatch);
}

TEST_F(DispatcherTest, ResourcesReadUsesTheRevisionsNotFoundCode) {
  constexpr const char* read = R"({"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///x"}})";
  json::object legacy = error_of(handle(read));
  EXPECT_EQ(legacy.at("code"), k_resource_not_found);
  EXPECT_EQ(legacy.at("data"), json::parse(R"({"uri":"file:///x"})"));
  EXPECT_EQ(error_of(handle(read, k_modern)).at("code"), k_invalid_params);
}

TEST_F(DispatcherTest, LoggingSetLevelAcceptsOnlyKnownLevels) {
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"warning"}})").body,
            R"({"jsonrpc":"2.0","id":1,"result":{}})");
  Outcome bad = handle(R"({"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"loud"}})");
  EXPECT_EQ(error_of(bad).at("code"), k_invalid_params);
}

}  // namespace
}  // namespace mcpedge::mcp
