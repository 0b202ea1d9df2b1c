// SampleApi /diagnostics/*: the fixed replies the MCP conformance tools are bound to.
#include "sample_api_fixture.hpp"

#include <cstdint>

namespace mcpedge::demo::testing {
namespace {

std::uint32_t u32le(const std::string& s, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

TEST_F(SampleApiTest, DiagnosticsNeedTheKey) {
  EXPECT_EQ(call_with(http::Verb::get, "/diagnostics/text", {}).status, 401u);
}

TEST_F(SampleApiTest, DiagnosticText) {
  TestReply r = get("/diagnostics/text");
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(r.content_type().starts_with("text/plain"));
  EXPECT_EQ(r.body(), "This is a simple text response for testing.");
}

TEST_F(SampleApiTest, DiagnosticImageIsAPng) {
  TestReply r = get("/diagnostics/image");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type(), "image/png");
  const std::string png = r.body();
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_TRUE(png.ends_with(std::string("IEND\xae\x42\x60\x82", 8)));
}

TEST_F(SampleApiTest, DiagnosticAudioIsRiffWave) {
  TestReply r = get("/diagnostics/audio");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type(), "audio/wav");
  const std::string wav = r.body();
  ASSERT_GE(wav.size(), 44u);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(u32le(wav, 4), wav.size() - 8);
  EXPECT_EQ(wav.substr(8, 4), "WAVE");
  EXPECT_EQ(u32le(wav, 24), 8000u);
  EXPECT_EQ(u32le(wav, 40), 800u) << "0.1 s at 8 kHz, 8-bit mono";
}

TEST_F(SampleApiTest, DiagnosticEmbeddedHasContentLocation) {
  TestReply r = get("/diagnostics/embedded");
  EXPECT_EQ(r.body(), "This is an embedded resource content.");
  EXPECT_EQ(r.header("Content-Location"), "test://embedded-resource");
}

TEST_F(SampleApiTest, DiagnosticMixedIsMultipartWithThreeParts) {
  TestReply r = get("/diagnostics/mixed");
  ASSERT_EQ(r.status, 200u);
  const std::string type = r.content_type();
  ASSERT_TRUE(type.starts_with("multipart/mixed; boundary=")) << type;
  const std::string delimiter = "--" + type.substr(type.find('=') + 1);
  const std::string body = r.body();
  std::vector<std::string> parts;
  std::size_t at = body.find(delimiter);
  ASSERT_EQ(at, 0u);
  while (true) {
    at += delimiter.size();
    if (body.compare(at, 2, "--") == 0) break;  // closing delimiter
    ASSERT_EQ(body.compare(at, 2, "\r\n"), 0);
    std::size_t next = body.find("\r\n" + delimiter, at);
    ASSERT_NE(next, std::string::npos);
    parts.push_back(body.substr(at + 2, next - at - 2));
    at = next + 2;
  }
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_TRUE(parts[0].starts_with("Content-Type: text/plain"));
  EXPECT_TRUE(parts[0].ends_with("\r\n\r\nMultiple content types test:"));
  EXPECT_NE(parts[1].find("Content-Type: image/png\r\nContent-Transfer-Encoding: binary\r\n\r\n\x89PNG"),
            std::string::npos);
  EXPECT_NE(parts[2].find("Content-Location: test://mixed-content-resource"), std::string::npos);
  EXPECT_TRUE(parts[2].ends_with("\r\n\r\n{\"test\":\"data\",\"value\":123}"));
}

TEST_F(SampleApiTest, DiagnosticErrorIs500Json) {
  TestReply r = get("/diagnostics/error");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.content_type(), "application/json");
  EXPECT_EQ(r.body(), R"({"error":"This tool intentionally returns an error for testing"})");
}

TEST_F(SampleApiTest, EchoReturnsRequestButNoCredentials) {
  TestReply r =
      call_with(http::Verb::post, "/diagnostics/echo?region=eu-west&tag=a&tag=b%20c",
                {{"X-API-Key", api_->api_key()}, {"X-Echo-Trace", "t-1"}, {"Cookie", "secret"}}, R"({"name":"Ada"})");
  ASSERT_EQ(r.status, 200u);
  json::object echo = r.object();
  EXPECT_EQ(echo.at("method"), "POST");
  EXPECT_EQ(echo.at("query").at("region"), "eu-west");
  EXPECT_EQ(echo.at("query").at("tag"), (json::array{"a", "b c"}));
  EXPECT_EQ(echo.at("body").at("name"), "Ada");
  EXPECT_EQ(echo.at("headers"), (json::object{{"x-echo-trace", "t-1"}}));
  EXPECT_EQ(r.body().find(api_->api_key()), std::string::npos);
  EXPECT_EQ(r.body().find("secret"), std::string::npos);
  EXPECT_TRUE(call_with(http::Verb::get, "/diagnostics/echo", {{"Authorization", "Bearer " + api_->api_key()}})
                  .object()
                  .at("body")
                  .is_null());
}

TEST_F(SampleApiTest, SlowWaitsForQueryOrPathMilliseconds) {
  auto start = std::chrono::steady_clock::now();
  TestReply by_path = get("/diagnostics/slow/60");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(60));
  EXPECT_EQ(by_path.object().at("waited_ms"), 60);
  EXPECT_EQ(get("/diagnostics/slow?ms=5").object().at("waited_ms"), 5);
  EXPECT_EQ(get("/diagnostics/slow/30001").status, 400u);
  EXPECT_EQ(get("/diagnostics/slow?ms=-1").status, 400u);
}

TEST_F(SampleApiTest, StatusRepliesWithTheGivenCode) {
  TestReply teapot = get("/diagnostics/status/418");
  EXPECT_EQ(teapot.status, 418u);
  EXPECT_EQ(teapot.body(), R"({"status":418})");
  EXPECT_EQ(get("/diagnostics/status/503").status, 503u);
  TestReply empty = get("/diagnostics/status/204");
  EXPECT_EQ(empty.status, 204u);
  EXPECT_TRUE(empty.body().empty());
  EXPECT_EQ(get("/diagnostics/status/600").status, 400u);
  EXPECT_EQ(get("/diagnostics/status/abc").status, 400u);
}

TEST_F(SampleApiTest, LargeReturnsExactlyTheBytesAskedFor) {
  TestReply r = get("/diagnostics/large?bytes=100000");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body().size(), 100000u);
  EXPECT_EQ(get("/diagnostics/large?bytes=0").body().size(), 0u);
  EXPECT_EQ(get("/diagnostics/large").status, 400u);
  EXPECT_EQ(get("/diagnostics/large?bytes=52428801").status, 400u);
}

}  // namespace
}  // namespace mcpedge::demo::testing
