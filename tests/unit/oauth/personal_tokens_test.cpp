// Personal access tokens: the secret is never stored, each token has its own upstream grant, and an
// expired, revoked or unknown token resolves to nothing.
#include "oauth/personal_tokens.hpp"

#include "grants_fixture.hpp"

#include <gtest/gtest.h>

namespace mcpedge::oauth {
namespace {

using store::testing::ok;
using store::testing::sync;
using Clock = std::chrono::system_clock;

class PersonalTokensTest : public testing::GrantsFixture {
 protected:
  static identity::UpstreamGrant grant_for(std::string subject) {
    identity::UpstreamGrant grant;
    grant.credential = "wf_user_" + subject;
    grant.subject = std::move(subject);
    grant.org = "org_acme";
    return grant;
  }

  Expected<identity::UpstreamGrant, PersonalTokenError> resolve(const std::string& token) {
    return sync(personal_.resolve(worker_.client(), token));
  }
};

TEST_F(PersonalTokensTest, ATokenResolvesToItsOwnGrantAndOnlyItsHashIsStored) {
  auto created = ok(sync(personal_.create("laptop", Clock::now() + std::chrono::hours(24), grant_for("ada"))));
  EXPECT_EQ(created.token.rfind(k_personal_token_prefix, 0), 0u);
  EXPECT_EQ(created.token.size(), k_personal_token_prefix.size() + 43);
  EXPECT_EQ(created.record.subject, "ada");
  EXPECT_NE(created.record.token_hash, created.token);
  store::testing::RawDb raw(dir_.path() / "store.db");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM personal_tokens WHERE instr(token_hash, 'mcppat_') > 0"), "0");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM upstream_credentials WHERE key = 'pat:" + created.record.id + "'"), "1");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM upstream_credentials WHERE instr(ciphertext, 'wf_user_ada') > 0"), "0")
      << "the upstream credential is sealed at rest";

  auto grant = resolve(created.token);
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->credential, "wf_user_ada");
  EXPECT_EQ(grant->subject, "ada");
  EXPECT_EQ(grant->org, "org_acme");
  EXPECT_EQ(resolve(created.token + "x").error(), PersonalTokenError::unknown);
}

TEST_F(PersonalTokensTest, AnExpiredTokenIsRefused) {
  auto created = ok(sync(personal_.create("old", Clock::now() - std::chrono::seconds(1), grant_for("ada"))));
  EXPECT_EQ(resolve(created.token).error(), PersonalTokenError::expired);
}

TEST_F(PersonalTokensTest, OnlyTheOwnerRevokesAndARevokedTokenIsUnknown) {
  auto created = ok(sync(personal_.create("laptop", std::nullopt, grant_for("ada"))));
  EXPECT_FALSE(ok(sync(personal_.revoke(created.record.id, "mallory"))));
  ASSERT_TRUE(resolve(created.token));
  EXPECT_TRUE(ok(sync(personal_.revoke(created.record.id, "ada"))));
  EXPECT_EQ(resolve(created.token).error(), PersonalTokenError::unknown);
  store::testing::RawDb raw(dir_.path() / "store.db");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM upstream_credentials"), "0") << "its upstream credential is deleted";
}

TEST_F(PersonalTokensTest, TokensAreListedPerUser) {
  ok(sync(personal_.create("a", std::nullopt, grant_for("ada"))));
  ok(sync(personal_.create("b", std::nullopt, grant_for("ada"))));
  ok(sync(personal_.create("c", std::nullopt, grant_for("bob"))));
  EXPECT_EQ(ok(sync(personal_.list("ada"))).size(), 2u);
  EXPECT_EQ(ok(sync(personal_.list("bob"))).size(), 1u);
}

}  // namespace
}  // namespace mcpedge::oauth
