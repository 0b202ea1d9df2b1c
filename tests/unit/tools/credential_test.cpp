// Tests of upstream credential selection and the header each kind of credential travels in.
#include "tools/credential.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace mcpedge::tools {
namespace {

namespace json = boost::json;
using Source = CredentialChoice::Source;

constexpr const char* k_jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
// Written out rather than concatenated: g++ 12 reports a false stringop-overflow on "Bearer " + k_jwt.
constexpr const char* k_bearer_jwt = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

json::object with_key(json::value key) { return json::object{{"_api_key", std::move(key)}, {"limit", 1}}; }

TEST(ChooseCredential, ArgumentIsIgnoredUnlessTheRuleAllowsIt) {
  config::CredentialRule rule;  // allow_argument = false
  auto choice = choose_credential(rule, with_key("sk_arg"), "sk_request");
  EXPECT_EQ(choice.value, "sk_request");
  EXPECT_EQ(choice.source, Source::request);
}

TEST(ChooseCredential, AllowedArgumentWinsOverTheRequestCredential) {
  config::CredentialRule rule;
  rule.allow_argument = true;
  rule.fallback = "sk_fallback";
  auto choice = choose_credential(rule, with_key("sk_arg"), "sk_request");
  EXPECT_EQ(choice.value, "sk_arg");
  EXPECT_EQ(choice.source, Source::argument);
}

TEST(ChooseCredential, EmptyOrNonStringArgumentFallsThroughToTheRequest) {
  config::CredentialRule rule;
  rule.allow_argument = true;
  EXPECT_EQ(choose_credential(rule, with_key(""), "sk_request").source, Source::request);
  EXPECT_EQ(choose_credential(rule, with_key(42), "sk_request").source, Source::request);
  EXPECT_EQ(choose_credential(rule, json::object{}, "sk_request").value, "sk_request");
}

TEST(ChooseCredential, FallbackOnlyWhenTheRequestCarriesNone) {
  config::CredentialRule rule;
  rule.fallback = "sk_fallback";
  auto without = choose_credential(rule, json::object{}, "");
  EXPECT_EQ(without.value, "sk_fallback");
  EXPECT_EQ(without.source, Source::fallback);
  EXPECT_EQ(choose_credential(rule, json::object{}, "sk_request").source, Source::request);
}

TEST(ChooseCredential, NothingAnywhereMeansNoCredential) {
  auto choice = choose_credential(config::CredentialRule{}, json::object{}, "");
  EXPECT_EQ(choice.value, "");
  EXPECT_EQ(choice.source, Source::none);
}

TEST(IsJwtShaped, ThreeNonEmptyBase64UrlSegments) {
  EXPECT_TRUE(is_jwt_shaped(k_jwt));
  EXPECT_TRUE(is_jwt_shaped("a.b.c"));
  EXPECT_TRUE(is_jwt_shaped("a-_.b=.c"));
}

TEST(IsJwtShaped, RejectsWrongSegmentCountEmptySegmentsAndForeignCharacters) {
  EXPECT_FALSE(is_jwt_shaped(""));
  EXPECT_FALSE(is_jwt_shaped("sk_live_123"));
  EXPECT_FALSE(is_jwt_shaped("a.b"));
  EXPECT_FALSE(is_jwt_shaped("a.b.c.d"));
  EXPECT_FALSE(is_jwt_shaped("a..c"));
  EXPECT_FALSE(is_jwt_shaped(".b.c"));
  EXPECT_FALSE(is_jwt_shaped("a.b."));
  EXPECT_FALSE(is_jwt_shaped("a+b.c.d"));
  EXPECT_FALSE(is_jwt_shaped("a/b.c.d"));
  EXPECT_FALSE(is_jwt_shaped("a.b.c d"));
}

TEST(ApplyCredential, JwtShapedValueGoesAsBearerToken) {
  http::HeaderList headers;
  apply_credential(config::CredentialRule{}, k_jwt, headers);
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].first, "Authorization");
  EXPECT_EQ(headers[0].second, k_bearer_jwt);
}

TEST(ApplyCredential, OtherValueGoesAsApiKey) {
  http::HeaderList headers;
  apply_credential(config::CredentialRule{}, "sk_live_123", headers);
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].first, "X-API-Key");
  EXPECT_EQ(headers[0].second, "sk_live_123");
}

TEST(ApplyCredential, UsesTheConfiguredHeaderNames) {
  config::CredentialRule rule;
  rule.bearer_header = "X-Bearer";
  rule.api_key_header = "X-Key";
  http::HeaderList headers;
  apply_credential(rule, k_jwt, headers);
  apply_credential(rule, "plain", headers);
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0], (std::pair<std::string, std::string>{"X-Bearer", k_bearer_jwt}));
  EXPECT_EQ(headers[1], (std::pair<std::string, std::string>{"X-Key", "plain"}));
}

TEST(ApplyCredential, EmptyValueAddsNoHeader) {
  http::HeaderList headers;
  apply_credential(config::CredentialRule{}, "", headers);
  EXPECT_TRUE(headers.empty());
}

}  // namespace
}  // namespace mcpedge::tools
