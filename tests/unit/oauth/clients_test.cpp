// RFC 7591 registration: validation with exact error codes, the sealed client_id, derived secrets.
#include "oauth/clients.hpp"

#include "crypto/key_ring.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <iostream>

namespace mcpedge::oauth {
namespace {

namespace json = boost::json;
using std::chrono::system_clock;

const system_clock::time_point k_now = system_clock::time_point(std::chrono::seconds(1'780'000'000));

std::shared_ptr<const crypto::KeyRing> ring(const std::string& spec) { return *crypto::KeyRing::parse(spec); }

const std::string& key_a() {
  static const std::string key = crypto::KeyRing::generate_key();
  return key;
}
const std::string& key_b() {
  static const std::string key = crypto::KeyRing::generate_key();
  return key;
}

Expected<RegistrationResponse, RegistrationError> register_json(std::string_view request,
                                                                RegistrationOptions options = {}) {
  return register_client(*ring(key_a()), json::parse(request), k_now, options);
}

constexpr std::string_view k_claude_code = R"({
  "client_name": "Claude Code",
  "redirect_uris": ["http://localhost:3118/callback"],
  "grant_types": ["authorization_code", "refresh_token"],
  "response_types": ["code"],
  "token_endpoint_auth_method": "none",
  "application_type": "native"
})";

TEST(RegisterClient, PublicNativeClientGetsNoSecretAndTheEchoedMetadata) {
  auto registered = register_json(k_claude_code);
  ASSERT_TRUE(registered) << registered.error().error_description;
  const json::object& body = registered->body;
  EXPECT_TRUE(body.at("client_id").as_string().starts_with("mcpc_"));
  EXPECT_EQ(body.at("client_id_issued_at"), 1'780'000'000);
  EXPECT_FALSE(body.contains("client_secret"));
  EXPECT_FALSE(body.contains("client_secret_expires_at"));
  EXPECT_EQ(body.at("token_endpoint_auth_method"), "none");
  EXPECT_EQ(body.at("application_type"), "native");
  EXPECT_EQ(body.at("client_name"), "Claude Code");
  EXPECT_EQ(body.at("redirect_uris"), json::parse(R"(["http://localhost:3118/callback"])"));
  EXPECT_EQ(body.at("grant_types"), json::parse(R"(["authorization_code","refresh_token"])"));
  EXPECT_EQ(body.at("response_types"), json::parse(R"(["code"])"));
  EXPECT_TRUE(registered->client_secret.empty());
  EXPECT_FALSE(registered->client.confidential());
}

TEST(RegisterClient, ConfidentialWebClientGetsADerivedSecretThatNeverExpires) {
  // token_endpoint_auth_method absent: RFC 7591 §2 defaults to client_secret_basic.
  auto registered = register_json(R"({"client_name": "Acme", "redirect_uris": ["https://acme.example.com/cb"]})");
  ASSERT_TRUE(registered) << registered.error().error_description;
  const json::object& body = registered->body;
  EXPECT_EQ(body.at("token_endpoint_auth_method"), "client_secret_basic");
  EXPECT_EQ(body.at("application_type"), "web");
  EXPECT_EQ(body.at("grant_types"), json::parse(R"(["authorization_code"])"));
  EXPECT_EQ(body.at("client_secret_expires_at"), 0);
  ASSERT_TRUE(body.at("client_secret").is_string());
  EXPECT_EQ(body.at("client_secret").as_string().size(), 43u);  // base64url of 32 bytes
  EXPECT_EQ(body.at("client_secret").as_string(), registered->client_secret);

  auto opened = open_client(*ring(key_a()), body.at("client_id").as_string(), k_now);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(check_secret(*ring(key_a()), *opened, registered->client_secret));
  std::string wrong = registered->client_secret;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(check_secret(*ring(key_a()), *opened, wrong));
  EXPECT_FALSE(check_secret(*ring(key_a()), *opened, ""));
}

TEST(RegisterClient, ClientSecretPostIsConfidentialToo) {
  auto registered = register_json(
      R"({"redirect_uris": ["https://acme.example.com/cb"], "token_endpoint_auth_method": "client_secret_post"})");
  ASSERT_TRUE(registered);
  EXPECT_EQ(registered->client.token_endpoint_auth_method, TokenEndpointAuthMethod::client_secret_post);
  EXPECT_FALSE(registered->client_secret.empty());
}

TEST(RegisterClient, NativeClientsMayUseCustomSchemesLoopbackOnAnyHostSpellingAndHttps) {
  auto registered = register_json(R"({"application_type": "native", "token_endpoint_auth_method": "none",
    "redirect_uris": ["cursor://anysphere.cursor-mcp/oauth/callback", "vscode://vscode.mcp/cb", "claude://callback",
                      "com.example.app:/oauth2redirect", "http://127.0.0.1/cb", "http://[::1]:33418/",
                      "https://vscode.dev/redirect"]})");
  ASSERT_TRUE(registered) << registered.error().error_description;
  EXPECT_EQ(registered->client.redirect_uris.size(), 7u);
  EXPECT_EQ(registered->client.application_type, ApplicationType::native);
}

TEST(RegisterClient, WithoutApplicationTypeAnyLoopbackOrCustomSchemeRedirectMeansNative) {
  // OpenCode and other pre-2026 clients omit application_type; loopback-only is a native app.
  auto loopback = register_json(R"({"redirect_uris": ["http://127.0.0.1:19876/mcp/oauth/callback"]})");
  ASSERT_TRUE(loopback) << loopback.error().error_description;
  EXPECT_EQ(loopback->body.at("application_type"), "native");
  auto web = register_json(R"({"redirect_uris": ["https://claude.ai/api/mcp/auth_callback"]})");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->body.at("application_type"), "web");
  // VS Code's registration (microsoft/vscode#278512): claimed https redirects next to loopback ones.
  auto vscode = register_json(R"({"client_name": "Visual Studio Code", "redirect_uris": ["https://vscode.dev/redirect",
    "https://insiders.vscode.dev/redirect", "http://127.0.0.1/", "http://127.0.0.1:33418/"]})");
  ASSERT_TRUE(vscode) << vscode.error().error_description;
  EXPECT_EQ(vscode->body.at("application_type"), "native");
  auto cursor = register_json(R"({"redirect_uris": ["cursor://anysphere.cursor-mcp/oauth/callback",
    "http://localhost:8787/callback"]})");
  ASSERT_TRUE(cursor) << cursor.error().error_description;
  EXPECT_EQ(cursor->body.at("application_type"), "native");
  // Declared web still means https only.
  auto declared = register_json(
      R"({"application_type": "web", "redirect_uris": ["https://app.example.com/cb", "http://localhost:3000/cb"]})");
  ASSERT_FALSE(declared);
  EXPECT_EQ(declared.error().error, "invalid_redirect_uri");
}

TEST(RegisterClient, WebLoopbackOnlyWithTheDevelopmentFlag) {
  constexpr std::string_view request = R"({"application_type": "web", "redirect_uris": ["http://localhost:3000/cb"]})";
  auto refused = register_json(request);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().error, "invalid_redirect_uri");
  EXPECT_NE(refused.error().error_description.find("native"), std::string::npos) << refused.error().error_description;
  RegistrationOptions development;
  development.allow_insecure_web_loopback = true;
  auto accepted = register_json(request, development);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->client.application_type, ApplicationType::web);
  EXPECT_FALSE(
      register_json(R"({"application_type": "web", "redirect_uris": ["http://app.example.com/cb"]})", development));
}

struct Invalid {
  const char* name;
  std::string request;
  const char* error;
  const char* mentions;
};

void PrintTo(const Invalid& c, std::ostream* os) { *os << c.name; }

class RegisterClientRefuses : public ::testing::TestWithParam<Invalid> {};

TEST_P(RegisterClientRefuses, WithTheExactErrorCode) {
  const Invalid& c = GetParam();
  auto result = register_json(c.request);
  ASSERT_FALSE(result) << c.name;
  EXPECT_EQ(result.error().error, c.error) << c.name << ": " << result.error().error_description;
  EXPECT_NE(result.error().error_description.find(c.mentions), std::string::npos)
      << c.name << ": " << result.error().error_description;
}

std::string with_uris(const std::string& uris) {
  return R"({"application_type": "native", "redirect_uris": )" + uris + "}";
}
std::string with_field(const std::string& field) {
  return R"({"redirect_uris": ["https://a.example.com/cb"], )" + field + "}";
}
std::string many_uris(int n) {
  std::string out = "[";
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + std::string("\"http://127.0.0.1/cb") + std::to_string(i) + "\"";
  return out + "]";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RegisterClientRefuses,
    ::testing::Values(
        Invalid{"not an object", "[]", "invalid_client_metadata", "JSON object"},
        Invalid{"no redirect_uris", R"({"client_name": "x"})", "invalid_redirect_uri", "redirect_uris is required"},
        Invalid{"empty redirect_uris", with_uris("[]"), "invalid_redirect_uri", "non-empty array"},
        Invalid{"redirect_uris a string", with_uris(R"("https://a.example.com/cb")"), "invalid_redirect_uri",
                "non-empty array"},
        Invalid{"redirect uri a number", with_uris("[1]"), "invalid_redirect_uri", "redirect_uris[0] must be a string"},
        Invalid{"relative", with_uris(R"(["/cb"])"), "invalid_redirect_uri", "not an absolute URI"},
        Invalid{"fragment", with_uris(R"(["https://a.example.com/cb#x"])"), "invalid_redirect_uri", "fragment"},
        Invalid{"empty fragment", with_uris(R"(["http://127.0.0.1/cb#"])"), "invalid_redirect_uri", "fragment"},
        Invalid{"userinfo", with_uris(R"(["https://good.example@evil.example/cb"])"), "invalid_redirect_uri",
                "user information"},
        Invalid{"javascript", with_uris(R"x(["javascript:alert(1)"])x"), "invalid_redirect_uri", "\"javascript\""},
        Invalid{"data", with_uris(R"(["data:text/html,hi"])"), "invalid_redirect_uri", "\"data\""},
        Invalid{"native http to a remote host", with_uris(R"(["http://app.example.com/cb"])"), "invalid_redirect_uri",
                "only allowed for loopback"},
        Invalid{"127.0.0.2 is not a loopback redirect host", with_uris(R"(["http://127.0.0.2/cb"])"),
                "invalid_redirect_uri", "only allowed for loopback"},
        Invalid{"web http", R"({"redirect_uris": ["http://app.example.com/cb"]})", "invalid_redirect_uri",
                "only allowed for loopback"},
        Invalid{"web custom scheme", R"({"application_type": "web", "redirect_uris": ["cursor://x/cb"]})",
                "invalid_redirect_uri", "custom schemes need application_type \"native\""},
        Invalid{"21 redirect uris", with_uris(many_uris(21)), "invalid_redirect_uri", "at most 20"},
        Invalid{"2001-character uri", with_uris("[\"https://a.example.com/" + std::string(1979, 'a') + "\"]"),
                "invalid_redirect_uri", "longer than 2000"},
        Invalid{"private_key_jwt", with_field(R"("token_endpoint_auth_method": "private_key_jwt")"),
                "invalid_client_metadata", "\"private_key_jwt\" is not supported"},
        Invalid{"auth method not a string", with_field(R"("token_endpoint_auth_method": 5)"), "invalid_client_metadata",
                "must be a string"},
        Invalid{"implicit grant", with_field(R"("grant_types": ["implicit"])"), "invalid_client_metadata",
                "grant_types[0] is not supported"},
        Invalid{"refresh only", with_field(R"("grant_types": ["refresh_token"])"), "invalid_client_metadata",
                "must include \"authorization_code\""},
        Invalid{"empty grant types", with_field(R"("grant_types": [])"), "invalid_client_metadata", "non-empty"},
        Invalid{"token response", with_field(R"("response_types": ["code", "token"])"), "invalid_client_metadata",
                "response_types[1]"},
        Invalid{"application_type desktop", with_field(R"("application_type": "desktop")"), "invalid_client_metadata",
                "\"web\" or \"native\""},
        Invalid{"long client_name", with_field("\"client_name\": \"" + std::string(201, 'n') + "\""),
                "invalid_client_metadata", "longer than 200"},
        Invalid{"client_name with a newline", with_field(R"("client_name": "Acme\nApproved by IT")"),
                "invalid_client_metadata", "control characters"},
        Invalid{"client_name a number", with_field(R"("client_name": 7)"), "invalid_client_metadata",
                "client_name must be a string"},
        Invalid{"scope with a quote", with_field(R"("scope": "read \"write")"), "invalid_client_metadata",
                "\"\"write\""},
        Invalid{"scope an array", with_field(R"("scope": ["read"])"), "invalid_client_metadata", "space-separated"}),
    [](const auto& info) {
      std::string name = info.param.name;
      for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST(RegisterClient, ClientNameCountsCharactersNotBytesAndScopeIsNormalized) {
  std::string name;
  for (int i = 0; i < 200; ++i) name += "\xc3\xa9";  // é: 200 characters, 400 bytes
  auto registered =
      register_json(with_field("\"client_name\": \"" + name + "\", \"scope\": \" mcp:tools  mcp:admin \""));
  ASSERT_TRUE(registered) << registered.error().error_description;
  EXPECT_EQ(registered->client.client_name, name);
  EXPECT_EQ(registered->body.at("scope"), "mcp:tools mcp:admin");
}

TEST(OpenClient, ReturnsExactlyTheRegistration) {
  auto registered =
      register_json(R"({"client_name": "Cursor", "scope": "mcp:tools", "token_endpoint_auth_method": "none",
    "grant_types": ["authorization_code", "refresh_token"],
    "redirect_uris": ["cursor://anysphere.cursor-mcp/oauth/callback", "http://127.0.0.1:7777/cb?x=1"]})");
  ASSERT_TRUE(registered);
  auto opened = open_client(*ring(key_a()), registered->client.client_id, k_now);
  ASSERT_TRUE(opened) << opened.error().error_description;
  EXPECT_EQ(opened->client_id, registered->client.client_id);
  EXPECT_EQ(opened->kind, ClientKind::registered);
  EXPECT_EQ(opened->client_name, "Cursor");
  EXPECT_EQ(opened->scope, "mcp:tools");
  EXPECT_EQ(opened->redirect_uris, registered->client.redirect_uris);
  EXPECT_EQ(opened->application_type, ApplicationType::native);
  EXPECT_EQ(opened->token_endpoint_auth_method, TokenEndpointAuthMethod::none);
  EXPECT_TRUE(opened->refresh_token_grant);
  EXPECT_EQ(opened->issued_at, k_now);
  EXPECT_FALSE(check_secret(*ring(key_a()), *opened, ""));  // public: there is no secret to match
}

TEST(OpenClient, TamperedForeignUnprefixedAndExpiredClientIdsAreInvalidClient) {
  auto registered = register_json(k_claude_code);
  ASSERT_TRUE(registered);
  const std::string id = registered->client.client_id;

  std::string tampered = id;
  char& c = tampered[tampered.size() / 2];
  c = c == 'A' ? 'B' : 'A';
  auto forged = open_client(*ring(key_a()), tampered, k_now);
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().error, "invalid_client");
  EXPECT_NE(forged.error().error_description.find("register the client again"), std::string::npos);

  EXPECT_EQ(open_client(*ring(key_b()), id, k_now).error().error, "invalid_client");
  EXPECT_EQ(open_client(*ring(key_a()), id.substr(5), k_now).error().error, "invalid_client");
  EXPECT_EQ(open_client(*ring(key_a()), "mcpc_", k_now).error().error, "invalid_client");

  auto expired = open_client(*ring(key_a()), id, k_now + std::chrono::hours(24 * 3660));
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().error_description.find("expired"), std::string::npos);
}

TEST(OpenClient, RotatedKeyRingStillOpensOldClientsAndChecksTheirSecrets) {
  auto registered = register_json(R"({"redirect_uris": ["https://acme.example.com/cb"]})");
  ASSERT_TRUE(registered);
  auto rotated = ring(key_b() + "," + key_a());  // new active key first, the old one still opens
  auto opened = open_client(*rotated, registered->client.client_id, k_now);
  ASSERT_TRUE(opened) << opened.error().error_description;
  EXPECT_TRUE(check_secret(*rotated, *opened, registered->client_secret));
  // A client registered under the new key gets a different secret.
  auto fresh = register_client(*rotated, json::parse(R"({"redirect_uris": ["https://acme.example.com/cb"]})"), k_now);
  ASSERT_TRUE(fresh);
  EXPECT_NE(fresh->client_secret, registered->client_secret);
  EXPECT_FALSE(check_secret(*rotated, *opened, fresh->client_secret));
}

TEST(ClientIdLength, TypicalRegistrationsStayShortEnoughForAUrl) {
  // Measured, and recorded in clients.cpp: the payload encoding is deterministic, so are the lengths.
  auto native = register_json(k_claude_code);
  ASSERT_TRUE(native);
  const std::size_t native_length = native->client.client_id.size();
  auto web = register_json(R"({"client_name": "ChatGPT", "token_endpoint_auth_method": "none",
    "grant_types": ["authorization_code", "refresh_token"],
    "redirect_uris": ["https://chatgpt.com/connector_platform_oauth_redirect", "https://chat.openai.com/aip/callback"]})");
  ASSERT_TRUE(web);
  const std::size_t web_length = web->client.client_id.size();
  RecordProperty("native_client_id_length", static_cast<int>(native_length));
  RecordProperty("web_client_id_length", static_cast<int>(web_length));
  std::cout << "client_id length: native " << native_length << ", web " << web_length << "\n";
  EXPECT_EQ(native_length, 124u);
  EXPECT_EQ(web_length, 199u);
}

}  // namespace
}  // namespace mcpedge::oauth
