// Refresh-token families: rotation with one step of grace, reuse revokes the family, revoke_grant.
#include "store_fixture.hpp"

namespace mcpedge::store::testing {
namespace {

constexpr UnixTime k_lifetime = 1000;

class RefreshTokens : public StoreTest {
 protected:
  // Token `name` of `family`, issued at `issued_at` for alice and client-1.
  static RefreshTokenRecord token(const std::string& name, const std::string& family = "family-1",
                                  UnixTime issued_at = 100, const std::string& client_id = "client-1") {
    return RefreshTokenRecord{hash(name), family, "alice",   client_id,
                              "org-1",    "read", issued_at, issued_at + k_lifetime};
  }

  void issue(const std::string& name, const std::string& family = "family-1",
             const std::string& client_id = "client-1") {
    ok(sync(store().issue_refresh_token(token(name, family, 100, client_id))));
  }

  RotationOutcome rotate(const std::string& presented, const std::string& next, UnixTime now = 200,
                         const std::string& family = "family-1") {
    return ok(sync(store().rotate_refresh_token(hash(presented), token(next, family, now), now))).outcome;
  }

  RefreshTokenState state(const std::string& name) {
    auto found = ok(sync(store().find_refresh_token(hash(name))));
    if (!found) throw std::runtime_error("no refresh token " + name);
    return found->state;
  }
};

TEST_F(RefreshTokens, IssuedTokenIsFoundAsTheCurrentTokenOfItsFamily) {
  issue("t0");
  auto found = ok(sync(store().find_refresh_token(hash("t0"))));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->state, RefreshTokenState::current);
  EXPECT_EQ(found->record.token_hash, hash("t0"));
  EXPECT_EQ(found->record.family_id, "family-1");
  EXPECT_EQ(found->record.subject, "alice");
  EXPECT_EQ(found->record.client_id, "client-1");
  EXPECT_EQ(found->record.org, "org-1");
  EXPECT_EQ(found->record.scopes, "read");
  EXPECT_EQ(found->record.issued_at, 100);
  EXPECT_EQ(found->record.expires_at, 1100);
  EXPECT_FALSE(ok(sync(store().find_refresh_token(hash("never issued")))));
}

TEST_F(RefreshTokens, IssuingAnExistingFamilyOrHashIsAConflict) {
  issue("t0");
  auto same_family = sync(store().issue_refresh_token(token("other", "family-1")));
  ASSERT_FALSE(same_family);
  EXPECT_EQ(same_family.error().code, StoreError::Code::conflict);
  auto same_hash = sync(store().issue_refresh_token(token("t0", "family-2")));
  ASSERT_FALSE(same_hash);
  EXPECT_EQ(same_hash.error().code, StoreError::Code::conflict);
  EXPECT_FALSE(ok(sync(store().find_refresh_token(hash("other")))));  // nothing half-written
}

TEST_F(RefreshTokens, RotatingTheCurrentTokenMakesItThePrevious) {
  issue("t0");
  auto rotation = ok(sync(store().rotate_refresh_token(hash("t0"), token("t1", "family-1", 200), 200)));
  EXPECT_EQ(rotation.outcome, RotationOutcome::rotated);
  ASSERT_TRUE(rotation.presented);
  EXPECT_EQ(rotation.presented->token_hash, hash("t0"));
  EXPECT_EQ(state("t0"), RefreshTokenState::previous);
  EXPECT_EQ(state("t1"), RefreshTokenState::current);
  EXPECT_EQ(rotate("t1", "t2", 300), RotationOutcome::rotated);
  EXPECT_EQ(state("t0"), RefreshTokenState::superseded);
  EXPECT_EQ(state("t1"), RefreshTokenState::previous);
  EXPECT_EQ(state("t2"), RefreshTokenState::current);
}

TEST_F(RefreshTokens, PreviousTokenStillRotatesUntilItsSuccessorIsUsed) {
  issue("t0");
  EXPECT_EQ(rotate("t0", "t1"), RotationOutcome::rotated);
  // The client never received t1 and retries with t0: t1 is discarded, t0 keeps its grace.
  EXPECT_EQ(rotate("t0", "t1-retry"), RotationOutcome::rotated_in_grace);
  EXPECT_EQ(state("t0"), RefreshTokenState::previous);
  EXPECT_EQ(state("t1"), RefreshTokenState::superseded);
  EXPECT_EQ(state("t1-retry"), RefreshTokenState::current);
  // Its successor is used: now t0 has lost its grace.
  EXPECT_EQ(rotate("t1-retry", "t2"), RotationOutcome::rotated);
  EXPECT_EQ(state("t0"), RefreshTokenState::superseded);
}

TEST_F(RefreshTokens, PreviousTokenAfterItsSuccessorWasUsedIsReuseAndRevokesTheFamily) {
  issue("t0");
  rotate("t0", "t1");
  rotate("t1", "t2");
  auto reuse = ok(sync(store().rotate_refresh_token(hash("t0"), token("t3"), 300)));
  EXPECT_EQ(reuse.outcome, RotationOutcome::reuse_detected);
  ASSERT_TRUE(reuse.presented);
  EXPECT_EQ(reuse.presented->family_id, "family-1");
  EXPECT_FALSE(ok(sync(store().find_refresh_token(hash("t3")))));  // nothing issued
  // Every token of the family is dead, including the legitimate holder's newest one.
  EXPECT_EQ(state("t2"), RefreshTokenState::revoked);
  EXPECT_EQ(rotate("t2", "t3"), RotationOutcome::revoked);
  EXPECT_EQ(rotate("t1", "t3"), RotationOutcome::revoked);
}

TEST_F(RefreshTokens, ADiscardedSuccessorPresentedLaterIsReuse) {
  issue("t0");
  rotate("t0", "t1");
  rotate("t0", "t1-retry");  // t1 discarded: whoever still holds it is not the client that retried
  EXPECT_EQ(rotate("t1", "t2"), RotationOutcome::reuse_detected);
  EXPECT_EQ(rotate("t1-retry", "t2"), RotationOutcome::revoked);
}

TEST_F(RefreshTokens, ReuseRevokesOnlyThatFamily) {
  issue("a0", "family-a");
  issue("b0", "family-b");
  rotate("a0", "a1", 200, "family-a");
  rotate("a1", "a2", 200, "family-a");
  EXPECT_EQ(rotate("a0", "a3", 200, "family-a"), RotationOutcome::reuse_detected);
  EXPECT_EQ(rotate("b0", "b1", 200, "family-b"), RotationOutcome::rotated);
}

TEST_F(RefreshTokens, ExpiredUnknownAndRevokedAreDistinctOutcomes) {
  issue("t0");
  auto expired = ok(sync(store().rotate_refresh_token(hash("t0"), token("t1"), 1100)));
  EXPECT_EQ(expired.outcome, RotationOutcome::expired);
  EXPECT_TRUE(expired.presented);
  EXPECT_EQ(state("t0"), RefreshTokenState::current);  // refused, not revoked

  auto unknown = ok(sync(store().rotate_refresh_token(hash("nope"), token("t1"), 200)));
  EXPECT_EQ(unknown.outcome, RotationOutcome::unknown);
  EXPECT_FALSE(unknown.presented);

  EXPECT_TRUE(ok(sync(store().revoke_refresh_family("family-1"))));
  EXPECT_FALSE(ok(sync(store().revoke_refresh_family("family-1"))));  // already revoked
  EXPECT_EQ(rotate("t0", "t1"), RotationOutcome::revoked);
  EXPECT_FALSE(ok(sync(store().find_refresh_token(hash("t1")))));
}

TEST_F(RefreshTokens, RevokeGrantRevokesEveryFamilyOfThatUserAndClient) {
  issue("first-login", "family-1", "client-1");
  issue("second-login", "family-2", "client-1");
  issue("other-client", "family-3", "client-2");
  EXPECT_EQ(ok(sync(store().revoke_grant("alice", "client-1"))), 2);
  EXPECT_EQ(state("first-login"), RefreshTokenState::revoked);
  EXPECT_EQ(state("second-login"), RefreshTokenState::revoked);
  EXPECT_EQ(state("other-client"), RefreshTokenState::current);
  EXPECT_EQ(ok(sync(store().revoke_grant("alice", "client-1"))), 0);
  EXPECT_EQ(ok(sync(store().revoke_grant("bob", "client-2"))), 0);
}

TEST_F(RefreshTokens, RotationIntoAnotherFamilyIsRefusedAndChangesNothing) {
  issue("t0");
  auto next = token("t1");
  next.client_id = "client-2";
  auto refused = sync(store().rotate_refresh_token(hash("t0"), next, 200));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StoreError::Code::invalid_argument);
  EXPECT_EQ(state("t0"), RefreshTokenState::current);
  EXPECT_FALSE(ok(sync(store().find_refresh_token(hash("t1")))));
}

TEST_F(RefreshTokens, ANewHashThatExistsFailsTheWholeRotation) {
  issue("t0");
  issue("elsewhere", "family-2");
  auto clash = sync(store().rotate_refresh_token(hash("t0"), token("elsewhere"), 200));
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, StoreError::Code::conflict);
  EXPECT_EQ(state("t0"), RefreshTokenState::current);  // rolled back
}

TEST_F(RefreshTokens, RotationSurvivesARestart) {
  issue("t0");
  rotate("t0", "t1");
  reopen();
  EXPECT_EQ(state("t0"), RefreshTokenState::previous);
  EXPECT_EQ(rotate("t1", "t2"), RotationOutcome::rotated);
}

TEST_F(RefreshTokens, PruningRemovesExpiredTokensAndEmptyFamilies) {
  issue("t0");                 // expires at 1100
  rotate("t0", "t1", 500);     // t1 expires at 1500
  issue("short", "family-2");  // expires at 1100
  auto pruned = ok(sync(store().prune_expired(1200)));
  EXPECT_EQ(pruned.refresh_tokens, 2);
  EXPECT_FALSE(ok(sync(store().find_refresh_token(hash("t0")))));
  EXPECT_EQ(state("t1"), RefreshTokenState::current);
  RawDb raw(file());
  EXPECT_EQ(raw.scalar("SELECT group_concat(family_id) FROM refresh_families"), "family-1");
}

}  // namespace
}  // namespace mcpedge::store::testing
