// Tests of the stored upstream grant (its JSON form) and of identity placeholders in templates.
#include "identity/credential_strategy.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>

namespace mcpedge::identity {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

UpstreamGrant sample_grant() {
  UpstreamGrant g;
  g.credential = "api-key-123";
  g.idp_refresh_token = "rt-\"quoted\"\\";
  g.subject = "user|42";
  g.name = "Ada Lovelace";
  g.email = "ada@example.com";
  g.org = "org-7";
  return g;
}

void expect_same(const UpstreamGrant& a, const UpstreamGrant& b) {
  EXPECT_EQ(a.credential, b.credential);
  EXPECT_EQ(a.expires_at, b.expires_at);
  EXPECT_EQ(a.idp_refresh_token, b.idp_refresh_token);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.email, b.email);
  EXPECT_EQ(a.org, b.org);
}

TEST(UpstreamGrant, RoundTripsWithExpiry) {
  UpstreamGrant g = sample_grant();
  // Stored with second precision.
  g.expires_at = Clock::time_point(std::chrono::seconds(1'900'000'000));
  auto back = UpstreamGrant::from_json(g.to_json());
  ASSERT_TRUE(back.has_value());
  expect_same(*back, g);
  EXPECT_EQ(json::parse(g.to_json()).as_object().at("expires_at"), json::value(1'900'000'000));
}

TEST(UpstreamGrant, RoundTripsWithoutExpiry) {
  UpstreamGrant g = sample_grant();
  std::string text = g.to_json();
  EXPECT_FALSE(json::parse(text).as_object().contains("expires_at")) << text;
  auto back = UpstreamGrant::from_json(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_FALSE(back->expires_at.has_value());
  expect_same(*back, g);
}

TEST(UpstreamGrant, ServiceGrantWithoutCredentialRoundTrips) {
  UpstreamGrant g;
  g.subject = "u1";
  auto back = UpstreamGrant::from_json(g.to_json());
  ASSERT_TRUE(back.has_value());
  expect_same(*back, g);
}

TEST(UpstreamGrant, JunkIsRejected) {
  EXPECT_FALSE(UpstreamGrant::from_json("").has_value());
  EXPECT_FALSE(UpstreamGrant::from_json("not json").has_value());
  EXPECT_FALSE(UpstreamGrant::from_json(R"({"credential":"x")").has_value());
  EXPECT_FALSE(UpstreamGrant::from_json(R"(["credential","x"])").has_value());
  EXPECT_FALSE(UpstreamGrant::from_json(R"("credential")").has_value());
  EXPECT_FALSE(UpstreamGrant::from_json("null").has_value());
}

TEST(UpstreamGrant, FieldsOfTheWrongTypeAreIgnored) {
  auto g = UpstreamGrant::from_json(R"({"credential":42,"subject":"u1","expires_at":"tomorrow","org":null})");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->credential, "");
  EXPECT_EQ(g->subject, "u1");
  EXPECT_FALSE(g->expires_at.has_value());
  EXPECT_EQ(g->org, "");
}

TEST(ExpandIdentity, ReplacesEveryPlaceholder) {
  UpstreamGrant who = sample_grant();
  EXPECT_EQ(expand_identity("/users/{subject}/orgs/{org}?n={name}&e={email}&x={expires_at}", who, 1700000000),
            "/users/user|42/orgs/org-7?n=Ada Lovelace&e=ada@example.com&x=1700000000");
}

TEST(ExpandIdentity, ReplacesRepeatedPlaceholders) {
  UpstreamGrant who = sample_grant();
  EXPECT_EQ(expand_identity("{org}:{org}:{subject}{subject}", who), "org-7:org-7:user|42user|42");
}

TEST(ExpandIdentity, ExpiresAtStaysWithoutAValue) {
  UpstreamGrant who = sample_grant();
  EXPECT_EQ(expand_identity("until {expires_at}", who), "until {expires_at}");
}

TEST(ExpandIdentity, UnknownPlaceholdersAndPlainTextAreUntouched) {
  UpstreamGrant who = sample_grant();
  EXPECT_EQ(expand_identity("{user} {Subject} {subject", who), "{user} {Subject} {subject");
  EXPECT_EQ(expand_identity("", who), "");
}

TEST(ExpandIdentity, EmptyValuesExpandToNothing) {
  UpstreamGrant who;
  who.subject = "u1";
  EXPECT_EQ(expand_identity("{subject}/{org}/{email}", who), "u1//");
}

}  // namespace
}  // namespace mcpedge::identity
