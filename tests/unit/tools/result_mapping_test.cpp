// Tests of upstream replies becoming MCP tool results: media types, revisions, errors.
#include "tools/result_mapping.hpp"

#include "yaml_config.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace mcpedge::tools {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* k_tools = R"(  - name: plain
    description: No output schema.
    input_schema: { properties: {} }
    http: { path: /plain }
  - name: typed
    description: Promises an object with a string id.
    input_schema: { properties: {} }
    output_schema:
      properties: { id: { type: string } }
      required: [id]
    http: { path: /typed }
  - name: as_text
    description: Forces text.
    input_schema: { properties: {} }
    http: { path: /text, response: text }
)";

constexpr std::string_view k_png = "\x89PNG\r\n\x1a\n";
constexpr const char* k_png_base64 = "iVBORw0KGgo=";
constexpr const char* k_url = "https://api.example.com/v1/items/1";

class ResultMapping : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = testing::catalog_from(testing::with_upstream(k_tools));
    ASSERT_TRUE(catalog_);
  }
  const Tool& tool(std::string_view name) const { return *catalog_->find(name); }

  json::object map(const http::OutboundResponse& reply, Revision revision, std::string_view tool_name = "plain") const {
    return map_reply(reply, tool(tool_name), revision, "GET /items/1", 1024);
  }

  std::shared_ptr<const Catalog> catalog_;
};

http::OutboundResponse reply(long status, std::string content_type, std::string body) {
  http::OutboundResponse r;
  r.status = status;
  if (!content_type.empty()) r.headers.emplace_back("content-type", std::move(content_type));
  r.body = std::move(body);
  r.effective_url = k_url;
  return r;
}

std::string first_text(const json::object& result) {
  return std::string(result.at("content").as_array().at(0).as_object().at("text").as_string());
}

TEST_F(ResultMapping, JsonReplyIsTextPlusStructuredContentFrom2025_06_18) {
  auto r = reply(200, "application/json; charset=utf-8", R"({"id":"wf_1","n":2})");
  auto result = map(r, Revision::v2025_06_18);
  EXPECT_EQ(result.at("isError"), false);
  ASSERT_EQ(result.at("content").as_array().size(), 1u);
  EXPECT_EQ(result.at("content").as_array()[0], (json::object{{"type", "text"}, {"text", R"({"id":"wf_1","n":2})"}}));
  EXPECT_EQ(result.at("structuredContent"), json::parse(R"({"id":"wf_1","n":2})"));
}

TEST_F(ResultMapping, JsonReplyHasNoStructuredContentOn2025_03_26) {
  auto result = map(reply(200, "application/json", R"({"id":"wf_1"})"), Revision::v2025_03_26);
  EXPECT_FALSE(result.contains("structuredContent"));
  EXPECT_EQ(first_text(result), R"({"id":"wf_1"})");
}

TEST_F(ResultMapping, ArrayIsWrappedAsResultOn2025_11_25ButNotOn2026_07_28) {
  auto r = reply(200, "application/json", "[1,2]");
  EXPECT_EQ(map(r, Revision::v2025_11_25).at("structuredContent"), json::parse(R"({"result":[1,2]})"));
  EXPECT_EQ(map(r, Revision::v2026_07_28).at("structuredContent"), json::parse("[1,2]"));
}

TEST_F(ResultMapping, ImageReplyIsAnImageBlockWithBase64Data) {
  auto result = map(reply(200, "image/png", std::string(k_png)), Revision::v2025_06_18);
  EXPECT_EQ(result.at("content").as_array()[0],
            (json::object{{"type", "image"}, {"data", k_png_base64}, {"mimeType", "image/png"}}));
  EXPECT_FALSE(result.contains("structuredContent"));
}

TEST_F(ResultMapping, AudioIsAnAudioBlockFrom2025_03_26) {
  auto r = reply(200, "audio/wav", std::string("RIFF\x00\x01WAVE", 10));
  EXPECT_EQ(map(r, Revision::v2025_03_26).at("content").as_array()[0],
            (json::object{{"type", "audio"}, {"data", "UklGRgABV0FWRQ=="}, {"mimeType", "audio/wav"}}));
}

TEST_F(ResultMapping, AudioIsAnEmbeddedBlobOn2024_11_05WhichHasNoAudioBlock) {
  auto r = reply(200, "audio/wav", std::string("RIFF\x00\x01WAVE", 10));
  EXPECT_EQ(map(r, Revision::v2024_11_05).at("content").as_array()[0],
            json::parse(R"({"type":"resource","resource":{"uri":"https://api.example.com/v1/items/1",
                            "mimeType":"audio/wav","blob":"UklGRgABV0FWRQ=="}})"));
}

TEST_F(ResultMapping, TextWithContentLocationIsAnEmbeddedResourceAtThatUri) {
  auto r = reply(200, "text/plain", "hello");
  r.headers.emplace_back("content-location", "https://api.example.com/v1/docs/readme.txt");
  EXPECT_EQ(map(r, Revision::v2025_06_18).at("content").as_array()[0],
            json::parse(R"({"type":"resource","resource":{"uri":"https://api.example.com/v1/docs/readme.txt",
                            "mimeType":"text/plain","text":"hello"}})"));
}

TEST_F(ResultMapping, MultipartReplyGivesOneBlockPerPart) {
  std::string body =
      "preamble\r\n--XyZ\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ\r\nContent-Type: image/png\r\n\r\n" +
      std::string(k_png) +
      "\r\n--XyZ\r\nContent-Type: application/json\r\nContent-Location: https://api.example.com/v1/meta\r\n\r\n"
      "{\"a\":1}\r\n--XyZ--\r\n";
  auto result = map(reply(200, "multipart/mixed; boundary=\"XyZ\"", body), Revision::v2025_06_18);
  EXPECT_EQ(result.at("isError"), false);
  const auto& content = result.at("content").as_array();
  ASSERT_EQ(content.size(), 3u) << json::serialize(result);
  EXPECT_EQ(content[0], (json::object{{"type", "text"}, {"text", "hello"}}));
  EXPECT_EQ(content[1], (json::object{{"type", "image"}, {"data", k_png_base64}, {"mimeType", "image/png"}}));
  EXPECT_EQ(content[2], json::parse(R"({"type":"resource","resource":{"uri":"https://api.example.com/v1/meta",
                                        "mimeType":"application/json","text":"{\"a\":1}"}})"));
}

TEST_F(ResultMapping, MultipartPartsMayUseBareLineFeeds) {
  auto result = map(reply(200, "multipart/mixed; boundary=b",
                          "--b\nContent-Type: text/plain\n\none\n--b\n"
                          "Content-Type: text/csv\n\na,b\n--b--\n"),
                    Revision::v2025_06_18);
  EXPECT_EQ(result.at("content"), json::parse(R"([{"type":"text","text":"one"},{"type":"text","text":"a,b"}])"))
      << json::serialize(result);
}

// RFC 2046 §5.1.1: a part may have no header fields at all (it starts with the blank line) and is
// then text/plain.
TEST_F(ResultMapping, MultipartPartWithoutHeadersIsText) {
  auto result = map(reply(200, "multipart/mixed; boundary=b",
                          "--b\r\n\r\nhello\r\n--b\r\nContent-Type: text/plain\r\n\r\nworld\r\n--b--\r\n"),
                    Revision::v2025_06_18);
  EXPECT_EQ(result.at("isError"), false) << json::serialize(result);
  EXPECT_EQ(result.at("content"), json::parse(R"([{"type":"text","text":"hello"},{"type":"text","text":"world"}])"))
      << json::serialize(result);
}

// RFC 2045 §5.1: parameter names are case-insensitive, so "Boundary=" names the boundary too.
TEST_F(ResultMapping, MultipartBoundaryParameterNameIsCaseInsensitive) {
  auto result = map(reply(200, "multipart/mixed; Boundary=b", "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n"),
                    Revision::v2025_06_18);
  EXPECT_EQ(result.at("content"), json::parse(R"([{"type":"text","text":"hi"}])")) << json::serialize(result);
}

TEST_F(ResultMapping, MultipartWithoutBoundaryIsAnErrorThatSaysSo) {
  auto result = map(reply(200, "multipart/mixed", "--x\r\n\r\nbody\r\n--x--"), Revision::v2025_06_18);
  EXPECT_EQ(result.at("isError"), true);
  EXPECT_NE(first_text(result).find("multipart reply to GET /items/1 could not be read"), std::string::npos);
}

TEST_F(ResultMapping, OctetStreamIsAnEmbeddedBlobAtTheEffectiveUrl) {
  auto result = map(reply(200, "application/octet-stream", std::string("\x00\x01\x02\xff", 4)), Revision::v2025_11_25);
  EXPECT_EQ(result.at("content").as_array()[0],
            json::parse(R"({"type":"resource","resource":{"uri":"https://api.example.com/v1/items/1",
                            "mimeType":"application/octet-stream","blob":"AAEC/w=="}})"));
}

TEST_F(ResultMapping, NotFoundIsAnErrorWithTheStatusAHintAndTheBody) {
  auto result = map(reply(404, "application/json", R"({"error":"no such workflow"})"), Revision::v2025_11_25);
  EXPECT_EQ(result.at("isError"), true);
  EXPECT_FALSE(result.contains("structuredContent"));
  std::string text = first_text(result);
  EXPECT_NE(text.find("The API answered 404 Not Found to GET /items/1."), std::string::npos) << text;
  EXPECT_NE(text.find("list the items to find a valid id"), std::string::npos) << text;
  EXPECT_NE(text.find(R"({"error":"no such workflow"})"), std::string::npos) << text;
}

TEST_F(ResultMapping, RateLimitNamesTheRetryAfterDelay) {
  auto r = reply(429, "text/plain", "slow down");
  r.headers.emplace_back("retry-after", "30");
  std::string text = first_text(map(r, Revision::v2025_06_18));
  EXPECT_NE(text.find("429"), std::string::npos) << text;
  EXPECT_NE(text.find("retry after 30 seconds"), std::string::npos) << text;
}

TEST_F(ResultMapping, TruncatedTextKeepsWhatArrivedWithANote) {
  auto r = reply(200, "application/json", R"({"items":[1,2,)");
  r.truncated = true;
  auto result = map(r, Revision::v2025_06_18);
  EXPECT_EQ(result.at("isError"), false);
  EXPECT_FALSE(result.contains("structuredContent"));
  std::string text = first_text(result);
  EXPECT_TRUE(text.starts_with(R"({"items":[1,2,)")) << text;
  EXPECT_NE(text.find("[truncated: the API's reply exceeded 1024 bytes"), std::string::npos) << text;
}

TEST_F(ResultMapping, TruncatedBinaryIsAnError) {
  auto r = reply(200, "image/png", std::string(k_png));
  r.truncated = true;
  auto result = map(r, Revision::v2025_06_18);
  EXPECT_EQ(result.at("isError"), true);
  EXPECT_NE(first_text(result).find("larger than 1024 bytes"), std::string::npos);
}

TEST_F(ResultMapping, ReplyNotMatchingTheOutputSchemaIsAnError) {
  auto result = map(reply(200, "application/json", R"({"id":7})"), Revision::v2025_06_18, "typed");
  EXPECT_EQ(result.at("isError"), true);
  EXPECT_FALSE(result.contains("structuredContent"));
  EXPECT_NE(first_text(result).find("does not match the tool's output schema"), std::string::npos)
      << first_text(result);
}

TEST_F(ResultMapping, ReplyMatchingTheOutputSchemaIsStructuredContent) {
  auto result = map(reply(200, "application/json", R"({"id":"wf_1"})"), Revision::v2025_06_18, "typed");
  EXPECT_EQ(result.at("isError"), false);
  EXPECT_EQ(result.at("structuredContent"), json::parse(R"({"id":"wf_1"})"));
}

TEST_F(ResultMapping, InvalidJsonFromAToolWithAnOutputSchemaIsAnError) {
  auto result = map(reply(200, "application/json", "{not json"), Revision::v2025_06_18, "typed");
  EXPECT_EQ(result.at("isError"), true);
  EXPECT_NE(first_text(result).find("is not valid JSON"), std::string::npos) << first_text(result);
}

TEST_F(ResultMapping, ForcedTextResponseIsTextWithoutStructuredContent) {
  auto result = map(reply(200, "application/json", R"({"id":"wf_1"})"), Revision::v2025_06_18, "as_text");
  EXPECT_EQ(first_text(result), R"({"id":"wf_1"})");
  EXPECT_FALSE(result.contains("structuredContent"));
}

TEST_F(ResultMapping, NoContentSaysTheCallSucceeded) {
  auto result = map(reply(204, "", ""), Revision::v2025_06_18);
  EXPECT_EQ(result.at("isError"), false);
  EXPECT_EQ(first_text(result), "Done (GET /items/1 answered 204 No Content).");
}

TEST(MapFailure, TimeoutTextNamesTheTimeout) {
  auto result =
      map_failure(http::OutboundError{http::OutboundErrorKind::timeout, "Operation timed out"}, "GET /items/1", 2500ms);
  EXPECT_EQ(result.at("isError"), true);
  std::string text = first_text(result);
  EXPECT_NE(text.find("GET /items/1"), std::string::npos) << text;
  EXPECT_NE(text.find("within 2500 ms"), std::string::npos) << text;
}

TEST(MapFailure, ConnectFailurePointsTheOperatorAtTheBaseUrl) {
  auto result =
      map_failure(http::OutboundError{http::OutboundErrorKind::connect, "Connection refused"}, "GET /items/1", 2500ms);
  EXPECT_EQ(result.at("isError"), true);
  std::string text = first_text(result);
  EXPECT_NE(text.find("Connection refused"), std::string::npos) << text;
  EXPECT_NE(text.find("upstream.base_url"), std::string::npos) << text;
}

TEST(ErrorResult, IsOneTextBlockWithIsError) {
  EXPECT_EQ(error_result("bad"), json::parse(R"({"content":[{"type":"text","text":"bad"}],"isError":true})"));
}

}  // namespace
}  // namespace mcpedge::tools
