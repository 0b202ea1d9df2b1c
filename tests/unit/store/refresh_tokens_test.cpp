// Refresh-token families: rotation with one step of grace, reuse revokes the family, refusals that
// change nothing (another client, scopes not granted), the credential returned, revoke_grant.
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

  // Presents `presented` as `client_id` at `now`; `next` becomes the current token when it rotates.
  Refresh redeem(const std::string& presented, const std::string& next, UnixTime now = 200,
                 const std::string& client_id = "client-1", std::optional<std::string> scopes = std::nullopt) {
    RefreshRequest request{hash(presented), client_id, std::move(scopes), hash(next), now + k_lifetime};
    return ok(sync(store().redeem_refresh_token(std::move(request), now)));
  }

  RotationOutcome rotate(const std::string& presented, const std::string& next, UnixTime now = 200) {
    return redeem(presented, next, now).outcome;
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
  auto rotation = redeem("t0", "t1", 200);
  EXPECT_EQ(rotation.outcome, RotationOutcome::rotated);
  ASSERT_TRUE(rotation.presented);
  EXPECT_EQ(rotation.presented->token_hash, hash("t0"));
  // The new token continues the family, issued now, with the presented token's scopes.
  ASSERT_TRUE(rotation.issued);
  EXPECT_EQ(rotation.issued->token_hash, hash("t1"));
  EXPECT_EQ(rotation.issued->family_id, "family-1");
  EXPECT_EQ(rotation.issued->subject, "alice");
  EXPECT_EQ(rotation.issued->client_id, "client-1");
  EXPECT_EQ(rotation.issued->org, "org-1");
  EXPECT_EQ(rotation.issued->scopes, "read");
  EXPECT_EQ(rotation.issued->issued_at, 200);
  EXPECT_EQ(rotation.issued->expires_at, 1200);
  auto stored = ok(sync(store().find_refresh_token(hash("t1"))));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->record.expires_at, 1200);
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
  auto reuse = redeem("t0", "t3", 300);
  EXPECT_EQ(reuse.outcome, RotationOutcome::reuse_detected);
  ASSERT_TRUE(reuse.presented);
  EXPECT_EQ(reuse.presented->family_id, "family-1");
  EXPECT_FALSE(reuse.issued);
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
  rotate("a0", "a1");
  rotate("a1", "a2");
  EXPECT_EQ(rotate("a0", "a3"), RotationOutcome::reuse_detected);
  EXPECT_EQ(rotate("b0", "b1"), RotationOutcome::rotated);
}

TEST_F(RefreshTokens, ExpiredUnknownAndRevokedAreDistinctOutcomes) {
  issue("t0");
  auto expired = redeem("t0", "t1", 1100);
  EXPECT_EQ(expired.outcome, RotationOutcome::expired);
  EXPECT_TRUE(expired.presented);
  EXPECT_FALSE(expired.issued);
  EXPECT_EQ(state("t0"), RefreshTokenState::current);  // refused, not revoked
  EXPECT_FALSE(ok(sync(store().find_refresh_token(hash("t1")))));

  auto unknown = redeem("nope", "t1", 200);
  EXPECT_EQ(unknown.outcome, RotationOutcome::unknown);
  EXPECT_FALSE(unknown.presented);
  EXPECT_FALSE(unknown.issued);

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

TEST_F(RefreshTokens, AnotherClientsTokenIsRefusedAndChangesNothing) {
  issue("t0");
  auto refused = redeem("t0", "t1", 200, "client-2");
  EXPECT_EQ(refused.outcome, RotationOutcome::wrong_client);
  ASSERT_TRUE(refused.presented);
  EXPECT_EQ(refused.presented->client_id, "client-1");
  EXPECT_FALSE(refused.issued);
  EXPECT_FALSE(refused.credential);
  EXPECT_EQ(state("t0"), RefreshTokenState::current);
  EXPECT_FALSE(ok(sync(store().find_refresh_token(hash("t1")))));
  // Its own client still rotates it.
  EXPECT_EQ(rotate("t0", "t1"), RotationOutcome::rotated);
}

TEST_F(RefreshTokens, AnotherClientPresentingASupersededTokenDoesNotRevokeTheFamily) {
  issue("t0");
  rotate("t0", "t1");
  rotate("t1", "t2");
  // t0 is superseded: from its own client that is reuse; from another client, only a refusal.
  EXPECT_EQ(redeem("t0", "t3", 200, "client-2").outcome, RotationOutcome::wrong_client);
  EXPECT_EQ(state("t2"), RefreshTokenState::current);
  EXPECT_EQ(rotate("t2", "t3"), RotationOutcome::rotated);
}

TEST_F(RefreshTokens, RequestedScopesNarrowTheNewToken) {
  ok(sync(store().issue_refresh_token(
      RefreshTokenRecord{hash("t0"), "family-1", "alice", "client-1", "org-1", "read write", 100, 1100})));
  auto narrowed = redeem("t0", "t1", 200, "client-1", "write");
  EXPECT_EQ(narrowed.outcome, RotationOutcome::rotated);
  ASSERT_TRUE(narrowed.issued);
  EXPECT_EQ(narrowed.issued->scopes, "write");
  EXPECT_EQ(ok(sync(store().find_refresh_token(hash("t1"))))->record.scopes, "write");
}

TEST_F(RefreshTokens, AScopeNotGrantedIsRefusedAndChangesNothing) {
  issue("t0");  // scopes: read
  auto refused = redeem("t0", "t1", 200, "client-1", "read write");
  EXPECT_EQ(refused.outcome, RotationOutcome::scope_not_granted);
  ASSERT_TRUE(refused.presented);
  EXPECT_EQ(refused.presented->scopes, "read");
  EXPECT_FALSE(refused.issued);
  EXPECT_EQ(state("t0"), RefreshTokenState::current);
  EXPECT_FALSE(ok(sync(store().find_refresh_token(hash("t1")))));
  // Not reuse either: a superseded token with a wider scope is refused for its scope, family intact.
  rotate("t0", "t1");
  rotate("t1", "t2");
  EXPECT_EQ(redeem("t0", "t3", 200, "client-1", "admin").outcome, RotationOutcome::scope_not_granted);
  EXPECT_EQ(state("t2"), RefreshTokenState::current);
}

TEST_F(RefreshTokens, FirstUngrantedScopeNamesTheFirstScopeMissingFromTheGrant) {
  EXPECT_FALSE(first_ungranted_scope("read write", "write read"));
  EXPECT_FALSE(first_ungranted_scope("read write", ""));
  EXPECT_FALSE(first_ungranted_scope("read write", " read  write "));
  EXPECT_EQ(first_ungranted_scope("read write", "read admin write").value_or("-"), "admin");
  EXPECT_EQ(first_ungranted_scope("read", "rea").value_or("-"), "rea");
  EXPECT_EQ(first_ungranted_scope("", "read").value_or("-"), "read");
}

TEST_F(RefreshTokens, RotationReturnsTheFamilysUpstreamCredential) {
  issue("t0");
  issue("other", "family-2");
  ok(sync(store().put_upstream_credential("family-1", "sealed-1", 5000)));
  ok(sync(store().put_upstream_credential("family-2", "sealed-2", 5000)));
  auto rotated = redeem("t0", "t1");
  ASSERT_EQ(rotated.outcome, RotationOutcome::rotated);
  ASSERT_TRUE(rotated.credential);
  EXPECT_EQ(rotated.credential->key, "family-1");
  EXPECT_EQ(rotated.credential->ciphertext, "sealed-1");
  EXPECT_EQ(rotated.credential->expires_at, 5000);
  auto in_grace = redeem("t0", "t1-retry");
  ASSERT_EQ(in_grace.outcome, RotationOutcome::rotated_in_grace);
  ASSERT_TRUE(in_grace.credential);
  EXPECT_EQ(in_grace.credential->ciphertext, "sealed-1");
}

TEST_F(RefreshTokens, RotationWithoutAStoredCredentialReturnsNone) {
  issue("t0");
  ok(sync(store().put_upstream_credential("family-2", "sealed-2", 5000)));
  auto rotated = redeem("t0", "t1");
  EXPECT_EQ(rotated.outcome, RotationOutcome::rotated);  // the caller decides what a missing one means
  EXPECT_TRUE(rotated.issued);
  EXPECT_FALSE(rotated.credential);
}

TEST_F(RefreshTokens, RefusalsReturnNoCredential) {
  issue("t0");
  ok(sync(store().put_upstream_credential("family-1", "sealed-1", 5000)));
  EXPECT_FALSE(redeem("t0", "t1", 1100).credential);  // expired
  rotate("t0", "t1");
  rotate("t1", "t2");
  auto reuse = redeem("t0", "t3");
  EXPECT_EQ(reuse.outcome, RotationOutcome::reuse_detected);
  EXPECT_FALSE(reuse.credential);
  auto revoked = redeem("t2", "t3");
  EXPECT_EQ(revoked.outcome, RotationOutcome::revoked);
  EXPECT_FALSE(revoked.credential);
}

TEST_F(RefreshTokens, ANewHashThatExistsFailsTheWholeRotation) {
  issue("t0");
  issue("elsewhere", "family-2");
  RefreshRequest request{hash("t0"), "client-1", std::nullopt, hash("elsewhere"), 1200};
  auto clash = sync(store().redeem_refresh_token(std::move(request), 200));
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
