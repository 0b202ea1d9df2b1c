// Tests of the REST binding: path templating and encoding, query and body selection, headers.
#include "tools/binding.hpp"

#include "yaml_config.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>

namespace mcpedge::tools {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::config_from;
using testing::with_upstream;

// Every value of header `name`, in order.
std::vector<std::string> header_values(const http::HeaderList& headers, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [n, v] : headers) {
    if (n == name) out.push_back(v);
  }
  return out;
}

json::object args(std::string_view text) { return json::parse(text).as_object(); }

// Binds `arguments` against the first tool of `tools_yaml`; the call or the error text.
Expected<UpstreamCall, std::string> bind_first(const std::string& tools_yaml, std::string_view arguments,
                                               std::string_view credential = "",
                                               const std::string& upstream_extra = "") {
  config::Config config = config_from(with_upstream(tools_yaml, upstream_extra));
  if (config.tools.empty()) return Unexpected{std::string("no tool")};
  return bind_call(config.upstream, config.tools.front(), args(arguments), credential);
}

constexpr const char* k_get_workflow = R"(  - name: get_workflow
    description: Returns one workflow.
    input_schema:
      properties:
        workflow_id: { type: string }
        limit: { type: integer }
        status: { type: string }
        tags: { type: array, items: { type: string } }
      required: [workflow_id]
    http: { method: GET, path: "/workflows/{workflow_id}" }
)";

TEST(EncodePathValue, KeepsUnreservedCharacters) { EXPECT_EQ(encode_path_value("wf_1-AZaz09~"), "wf_1-AZaz09~"); }

TEST(EncodePathValue, EncodesDotSlashAndSpaceSoTheValueStaysInItsSegment) {
  EXPECT_EQ(encode_path_value("a.b"), "a%2Eb");
  EXPECT_EQ(encode_path_value("a/b"), "a%2Fb");
  EXPECT_EQ(encode_path_value("a b"), "a%20b");
  EXPECT_EQ(encode_path_value("?#%&"), "%3F%23%25%26");
}

TEST(EncodePathValue, EncodesEachUtf8ByteOfNonAsciiText) {
  EXPECT_EQ(encode_path_value("\xC3\xA9"), "%C3%A9");         // é
  EXPECT_EQ(encode_path_value("\xE6\x97\xA5"), "%E6%97%A5");  // 日
}

TEST(BindCall, ReplacesPathParameterWithItsEncodedValue) {
  auto call = bind_first(k_get_workflow, R"({"workflow_id":"wf 1"})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.method, "GET");
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/workflows/wf%201");
  EXPECT_EQ(call->display, "GET /workflows/wf%201");
}

TEST(BindCall, RejectsEmptyPathParameter) {
  auto call = bind_first(k_get_workflow, R"({"workflow_id":""})");
  ASSERT_FALSE(call);
  EXPECT_EQ(call.error(), "path parameter \"workflow_id\" must not be empty");
}

TEST(BindCall, RejectsDotAndDotDotPathParameters) {
  auto dot = bind_first(k_get_workflow, R"({"workflow_id":"."})");
  ASSERT_FALSE(dot);
  EXPECT_EQ(dot.error(), "path parameter \"workflow_id\" must not be \".\"");
  auto dotdot = bind_first(k_get_workflow, R"({"workflow_id":".."})");
  ASSERT_FALSE(dotdot);
  EXPECT_EQ(dotdot.error(), "path parameter \"workflow_id\" must not be \"..\"");
}

TEST(BindCall, TraversalAttemptStaysInsideOneSegment) {
  auto call = bind_first(k_get_workflow, R"({"workflow_id":"../x"})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/workflows/%2E%2E%2Fx");
}

TEST(BindCall, MissingOrNonScalarPathParameterNamesTheArgument) {
  auto missing = bind_first(k_get_workflow, R"({})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "path parameter \"workflow_id\" is required");
  auto object = bind_first(k_get_workflow, R"({"workflow_id":{"a":1}})");
  ASSERT_FALSE(object);
  EXPECT_EQ(object.error(), "path parameter \"workflow_id\" must be a string, number or boolean");
}

TEST(BindCall, NumbersAndBooleansInPathAreWrittenAsJson) {
  constexpr const char* tool = R"(  - name: set_flag
    description: Sets a flag.
    input_schema:
      properties:
        id: { type: integer }
        on: { type: boolean }
      required: [id, on]
    http: { method: PUT, path: "/items/{id}/flags/{on}", body: none }
)";
  auto call = bind_first(tool, R"({"id":42,"on":true})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/items/42/flags/true");
  auto negative = bind_first(tool, R"({"id":-3,"on":false})");
  ASSERT_TRUE(negative) << negative.error();
  EXPECT_EQ(negative->request.url, "https://api.example.com/v1/items/-3/flags/false");
}

TEST(BindCall, GetSendsRemainingArgumentsAsQueryInArgumentOrder) {
  auto call = bind_first(k_get_workflow, R"({"workflow_id":"wf","limit":5,"status":"a&b c"})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/workflows/wf?limit=5&status=a%26b%20c");
  EXPECT_TRUE(call->request.body.empty());
  EXPECT_TRUE(header_values(call->request.headers, "Content-Type").empty());
}

TEST(BindCall, ArrayArgumentRepeatsTheQueryKey) {
  auto call = bind_first(k_get_workflow, R"({"workflow_id":"wf","tags":["a","b c"]})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/workflows/wf?tags=a&tags=b%20c");
}

TEST(BindCall, NullArgumentIsLeftOutOfTheQuery) {
  auto call = bind_first(k_get_workflow, R"({"workflow_id":"wf","status":null,"limit":1})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/workflows/wf?limit=1");
}

TEST(BindCall, ExplicitQueryListSendsOnlyTheListedArguments) {
  constexpr const char* tool = R"(  - name: list_workflows
    description: Lists workflows.
    input_schema:
      properties:
        limit: { type: integer }
        status: { type: string }
    http: { method: GET, path: /workflows, query: [limit] }
)";
  auto call = bind_first(tool, R"({"status":"active","limit":5})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/workflows?limit=5");
}

constexpr const char* k_start_execution = R"(  - name: start_execution
    description: Starts a run.
    input_schema:
      properties:
        workflow_id: { type: string }
        name: { type: string }
        count: { type: integer }
        dry_run: { type: boolean }
      required: [workflow_id]
    http: { method: POST, path: "/workflows/{workflow_id}/executions", query: [dry_run] }
)";

TEST(BindCall, PostBodyAllCarriesArgumentsThatAreNeitherPathNorQuery) {
  auto call = bind_first(k_start_execution, R"({"workflow_id":"wf","name":"x","count":2,"dry_run":true})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.method, "POST");
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/workflows/wf/executions?dry_run=true");
  EXPECT_EQ(json::parse(call->request.body), json::parse(R"({"name":"x","count":2})"));
  EXPECT_EQ(header_values(call->request.headers, "Content-Type"), std::vector<std::string>{"application/json"});
}

TEST(BindCall, PostWithoutExplicitQuerySendsNoQuery) {
  constexpr const char* tool = R"(  - name: create
    description: Creates.
    input_schema: { properties: { name: { type: string } } }
    http: { method: POST, path: /items }
)";
  auto call = bind_first(tool, R"({"name":"x"})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/items");
  EXPECT_EQ(call->request.body, R"({"name":"x"})");
}

TEST(BindCall, BodyNoneSendsNoBodyAndNoContentType) {
  constexpr const char* tool = R"(  - name: trigger
    description: Triggers.
    input_schema: { properties: { id: { type: string } }, required: [id] }
    http: { method: POST, path: "/items/{id}/trigger", body: none }
)";
  auto call = bind_first(tool, R"({"id":"a"})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/items/a/trigger");
  EXPECT_TRUE(call->request.body.empty());
  EXPECT_TRUE(header_values(call->request.headers, "Content-Type").empty());
}

TEST(BindCall, BodyFieldSendsThatArgumentAsTheWholeBody) {
  constexpr const char* tool = R"(  - name: start
    description: Starts.
    input_schema:
      properties:
        workflow_id: { type: string }
        input: { type: object }
        note: { type: string }
      required: [workflow_id, input]
    http: { method: POST, path: "/workflows/{workflow_id}/executions", body: { field: input } }
)";
  auto call = bind_first(tool, R"({"workflow_id":"wf","input":{"a":[1,2]},"note":"n"})");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.body, R"({"a":[1,2]})");
  EXPECT_EQ(call->request.url, "https://api.example.com/v1/workflows/wf/executions");
}

TEST(BindCall, StaticHeadersOfUpstreamThenToolAreSent) {
  constexpr const char* tool = R"(  - name: list
    description: Lists.
    input_schema: { properties: {} }
    http: { path: /items, headers: { X-Trace: "on" } }
)";
  auto call = bind_first(tool, "{}", "", "  headers: { User-Agent: gw-test, X-Env: prod }\n");
  ASSERT_TRUE(call) << call.error();
  const auto& h = call->request.headers;
  EXPECT_EQ(header_values(h, "User-Agent"), std::vector<std::string>{"gw-test"});
  EXPECT_EQ(header_values(h, "X-Env"), std::vector<std::string>{"prod"});
  EXPECT_EQ(header_values(h, "X-Trace"), std::vector<std::string>{"on"});
  EXPECT_EQ(header_values(h, "Accept"), std::vector<std::string>{"application/json, */*;q=0.8"});
  auto position = [&](std::string_view name) {
    return std::find_if(h.begin(), h.end(), [&](const auto& p) { return p.first == name; }) - h.begin();
  };
  EXPECT_LT(position("User-Agent"), position("X-Trace"));
}

TEST(BindCall, ApiKeyArgumentIsNeverSentInQueryOrBody) {
  const std::string allow = "  credential: { allow_argument: true }\n";
  auto get = bind_first(k_get_workflow, R"({"workflow_id":"wf","_api_key":"sk_secret","limit":1})", "sk_secret", allow);
  ASSERT_TRUE(get) << get.error();
  EXPECT_EQ(get->request.url, "https://api.example.com/v1/workflows/wf?limit=1");
  EXPECT_EQ(header_values(get->request.headers, "X-API-Key"), std::vector<std::string>{"sk_secret"});

  auto post =
      bind_first(k_start_execution, R"({"workflow_id":"wf","_api_key":"sk_secret","name":"x"})", "sk_secret", allow);
  ASSERT_TRUE(post) << post.error();
  EXPECT_EQ(post->request.body, R"({"name":"x"})");
  EXPECT_EQ(post->request.url.find("sk_secret"), std::string::npos);
  EXPECT_EQ(post->display.find("sk_secret"), std::string::npos);
}

TEST(BindCall, CopiesUpstreamTimeoutsAndLimit) {
  auto call = bind_first(k_get_workflow, R"({"workflow_id":"wf"})", "",
                         "  timeout_ms: 1500\n  connect_timeout_ms: 250\n  max_response_bytes: 4096\n");
  ASSERT_TRUE(call) << call.error();
  EXPECT_EQ(call->request.timeout, 1500ms);
  EXPECT_EQ(call->request.connect_timeout, 250ms);
  EXPECT_EQ(call->request.max_response_bytes, 4096u);
}

}  // namespace
}  // namespace mcpedge::tools
