// Refresh-token families: rotation with one step of grace, reuse revokes the family, refusals that
// change nothing (another client, scopes not granted), the credential returned, revoke_grant. Tokens
// are named by family and generation, as their seal names them; random tokens from before schema 4
// are in migrations_test.cpp.
#include "store_fixture.hpp"

namespace mcpedge::store::testing {
namespace {

constexpr UnixTime k_lifetime = 1000;  // as refresh_token() in the fixture

class RefreshTokens : public StoreTest {
 protected:
  // Starts `family` for alice and `client_id`; returns its first token.
  RefreshTokenRecord issue(const std::string& family = "family-1", const std::string& client_id = "client-1",
                           const std::string& scopes = "read") {
    RefreshTokenRecord first = refresh_token(family, 1, 100, scopes);
    first.subject = "alice";
    first.client_id = client_id;
    first.org = "org-1";
    ok(sync(store().issue_refresh_token(first)));
    return refresh_token(family, 1, 100, scopes);
  }

  // Presents `presented` as `client_id` at `now`.
  Refresh redeem(const RefreshTokenRecord& presented, UnixTime now = 200, const std::string& client_id = "client-1",
                 std::optional<std::string> scopes = std::nullopt) {
    RefreshRequest request{presented, client_id, std::move(scopes), now + k_lifetime};
    return ok(sync(store().redeem_refresh_token(std::move(request), now)));
  }

  // Rotates `presented` and returns the new token as its seal would name it.
  RefreshTokenRecord rotate(const RefreshTokenRecord& presented, UnixTime now = 200) {
    auto rotation = redeem(presented, now);
    if (!rotation.issued) throw std::runtime_error("no token issued");
    return sealed(*rotation.issued);
  }

  // What the caller seals of an issued record: the family's fields stay in the store.
  static RefreshTokenRecord sealed(const RefreshTokenRecord& issued) {
    return refresh_token(issued.family_id, issued.generation, issued.issued_at, issued.scopes);
  }

  RefreshTokenState state(const RefreshTokenRecord& presented) {
    auto found = ok(sync(store().find_refresh_token(presented)));
    if (!found) throw std::runtime_error("no refresh token " + presented.family_id);
    return found->state;
  }

  bool known(const RefreshTokenRecord& presented) {
    return ok(sync(store().find_refresh_token(presented))).has_value();
  }
};

TEST_F(RefreshTokens, IssuedTokenIsFoundAsTheCurrentTokenOfItsFamily) {
  auto t1 = issue();
  auto found = ok(sync(store().find_refresh_token(t1)));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->state, RefreshTokenState::current);
  EXPECT_EQ(found->record.family_id, "family-1");
  EXPECT_EQ(found->record.generation, 1);
  EXPECT_EQ(found->record.subject, "alice");
  EXPECT_EQ(found->record.client_id, "client-1");
  EXPECT_EQ(found->record.org, "org-1");
  EXPECT_EQ(found->record.scopes, "read");
  EXPECT_EQ(found->record.issued_at, 100);
  EXPECT_EQ(found->record.expires_at, 1100);
  // A generation the family never issued, and a family never started, are no tokens of this store.
  EXPECT_FALSE(known(refresh_token("family-1", 2)));
  EXPECT_FALSE(known(refresh_token("never started", 1)));
}

TEST_F(RefreshTokens, IssuingAnExistingFamilyIsAConflict) {
  issue();
  RefreshTokenRecord again = refresh_token("family-1", 1);
  again.subject = "mallory";
  again.client_id = "client-2";
  auto same_family = sync(store().issue_refresh_token(again));
  ASSERT_FALSE(same_family);
  EXPECT_EQ(same_family.error().code, StoreError::Code::conflict);
  EXPECT_EQ(ok(sync(store().find_refresh_token(refresh_token("family-1", 1))))->record.subject, "alice");  // unchanged
}

TEST_F(RefreshTokens, RotatingTheCurrentTokenMakesItThePrevious) {
  auto t1 = issue();
  auto rotation = redeem(t1, 200);
  EXPECT_EQ(rotation.outcome, RotationOutcome::rotated);
  ASSERT_TRUE(rotation.presented);
  EXPECT_EQ(rotation.presented->generation, 1);
  // The new token is the family's next generation, issued now, with the presented token's scopes.
  ASSERT_TRUE(rotation.issued);
  EXPECT_EQ(rotation.issued->family_id, "family-1");
  EXPECT_EQ(rotation.issued->generation, 2);
  EXPECT_EQ(rotation.issued->subject, "alice");
  EXPECT_EQ(rotation.issued->client_id, "client-1");
  EXPECT_EQ(rotation.issued->org, "org-1");
  EXPECT_EQ(rotation.issued->scopes, "read");
  EXPECT_EQ(rotation.issued->issued_at, 200);
  EXPECT_EQ(rotation.issued->expires_at, 1200);
  auto t2 = sealed(*rotation.issued);
  EXPECT_EQ(state(t1), RefreshTokenState::previous);
  EXPECT_EQ(state(t2), RefreshTokenState::current);
  auto t3 = rotate(t2, 300);
  EXPECT_EQ(t3.generation, 3);
  EXPECT_EQ(state(t1), RefreshTokenState::superseded);
  EXPECT_EQ(state(t2), RefreshTokenState::previous);
  EXPECT_EQ(state(t3), RefreshTokenState::current);
}

TEST_F(RefreshTokens, PreviousTokenStillRotatesUntilItsSuccessorIsUsed) {
  auto t1 = issue();
  auto t2 = rotate(t1);
  // The client never received t2 and retries with t1: t2 is superseded, t1 keeps its grace.
  auto retry = redeem(t1);
  EXPECT_EQ(retry.outcome, RotationOutcome::rotated_in_grace);
  ASSERT_TRUE(retry.issued);
  auto t3 = sealed(*retry.issued);
  EXPECT_EQ(t3.generation, 3);
  EXPECT_EQ(state(t1), RefreshTokenState::previous);
  EXPECT_EQ(state(t2), RefreshTokenState::superseded);
  EXPECT_EQ(state(t3), RefreshTokenState::current);
  // Its successor is used: now t1 has lost its grace.
  rotate(t3);
  EXPECT_EQ(state(t1), RefreshTokenState::superseded);
}

TEST_F(RefreshTokens, PreviousTokenAfterItsSuccessorWasUsedIsReuseAndRevokesTheFamily) {
  auto t1 = issue();
  auto t2 = rotate(t1);
  auto t3 = rotate(t2);
  auto reuse = redeem(t1, 300);
  EXPECT_EQ(reuse.outcome, RotationOutcome::reuse_detected);
  ASSERT_TRUE(reuse.presented);
  EXPECT_EQ(reuse.presented->family_id, "family-1");
  EXPECT_FALSE(reuse.issued);
  EXPECT_FALSE(known(refresh_token("family-1", 4)));  // nothing issued
  // Every token of the family is dead, including the legitimate holder's newest one.
  EXPECT_EQ(state(t3), RefreshTokenState::revoked);
  EXPECT_EQ(redeem(t3).outcome, RotationOutcome::revoked);
  EXPECT_EQ(redeem(t2).outcome, RotationOutcome::revoked);
}

TEST_F(RefreshTokens, ADiscardedSuccessorPresentedLaterIsReuse) {
  auto t1 = issue();
  auto t2 = rotate(t1);
  auto t3 = rotate(t1);  // t2 discarded: whoever still holds it is not the client that retried
  EXPECT_EQ(redeem(t2).outcome, RotationOutcome::reuse_detected);
  EXPECT_EQ(redeem(t3).outcome, RotationOutcome::revoked);
}

TEST_F(RefreshTokens, ReuseRevokesOnlyThatFamily) {
  auto a1 = issue("family-a");
  auto b1 = issue("family-b");
  rotate(rotate(a1));
  EXPECT_EQ(redeem(a1).outcome, RotationOutcome::reuse_detected);
  EXPECT_EQ(redeem(b1).outcome, RotationOutcome::rotated);
}

TEST_F(RefreshTokens, ExpiredUnknownAndRevokedAreDistinctOutcomes) {
  auto t1 = issue();
  auto expired = redeem(t1, 1100);
  EXPECT_EQ(expired.outcome, RotationOutcome::expired);
  EXPECT_TRUE(expired.presented);
  EXPECT_FALSE(expired.issued);
  EXPECT_EQ(state(t1), RefreshTokenState::current);  // refused, not revoked
  EXPECT_FALSE(known(refresh_token("family-1", 2)));

  for (const auto& never : {refresh_token("family-1", 2), refresh_token("family-2", 1)}) {
    auto unknown = redeem(never, 200);
    EXPECT_EQ(unknown.outcome, RotationOutcome::unknown);
    EXPECT_FALSE(unknown.presented);
    EXPECT_FALSE(unknown.issued);
  }
  EXPECT_EQ(state(t1), RefreshTokenState::current);  // a generation from the future changes nothing

  EXPECT_TRUE(ok(sync(store().revoke_refresh_family("family-1"))));
  EXPECT_FALSE(ok(sync(store().revoke_refresh_family("family-1"))));  // already revoked
  EXPECT_EQ(redeem(t1).outcome, RotationOutcome::revoked);
  EXPECT_FALSE(known(refresh_token("family-1", 2)));
}

TEST_F(RefreshTokens, RevokeGrantRevokesEveryFamilyOfThatUserAndClient) {
  auto first = issue("family-1", "client-1");
  auto second = issue("family-2", "client-1");
  auto other = issue("family-3", "client-2");
  EXPECT_EQ(ok(sync(store().revoke_grant("alice", "client-1"))), 2);
  EXPECT_EQ(state(first), RefreshTokenState::revoked);
  EXPECT_EQ(state(second), RefreshTokenState::revoked);
  EXPECT_EQ(state(other), RefreshTokenState::current);
  EXPECT_EQ(ok(sync(store().revoke_grant("alice", "client-1"))), 0);
  EXPECT_EQ(ok(sync(store().revoke_grant("bob", "client-2"))), 0);
}

TEST_F(RefreshTokens, AnotherClientsTokenIsRefusedAndChangesNothing) {
  auto t1 = issue();
  auto refused = redeem(t1, 200, "client-2");
  EXPECT_EQ(refused.outcome, RotationOutcome::wrong_client);
  ASSERT_TRUE(refused.presented);
  EXPECT_EQ(refused.presented->client_id, "client-1");
  EXPECT_FALSE(refused.issued);
  EXPECT_FALSE(refused.credential);
  EXPECT_EQ(state(t1), RefreshTokenState::current);
  EXPECT_FALSE(known(refresh_token("family-1", 2)));
  // Its own client still rotates it.
  EXPECT_EQ(redeem(t1).outcome, RotationOutcome::rotated);
}

TEST_F(RefreshTokens, AnotherClientPresentingASupersededTokenDoesNotRevokeTheFamily) {
  auto t1 = issue();
  auto t3 = rotate(rotate(t1));
  // t1 is superseded: from its own client that is reuse; from another client, only a refusal.
  EXPECT_EQ(redeem(t1, 200, "client-2").outcome, RotationOutcome::wrong_client);
  EXPECT_EQ(state(t3), RefreshTokenState::current);
  EXPECT_EQ(redeem(t3).outcome, RotationOutcome::rotated);
}

TEST_F(RefreshTokens, RequestedScopesNarrowTheNewToken) {
  auto t1 = issue("family-1", "client-1", "read write");
  auto narrowed = redeem(t1, 200, "client-1", "write");
  EXPECT_EQ(narrowed.outcome, RotationOutcome::rotated);
  ASSERT_TRUE(narrowed.issued);
  EXPECT_EQ(narrowed.issued->scopes, "write");
  // The narrowed token cannot widen again.
  EXPECT_EQ(redeem(sealed(*narrowed.issued), 300, "client-1", "read").outcome, RotationOutcome::scope_not_granted);
}

TEST_F(RefreshTokens, AScopeNotGrantedIsRefusedAndChangesNothing) {
  auto t1 = issue();  // scopes: read
  auto refused = redeem(t1, 200, "client-1", "read write");
  EXPECT_EQ(refused.outcome, RotationOutcome::scope_not_granted);
  ASSERT_TRUE(refused.presented);
  EXPECT_EQ(refused.presented->scopes, "read");
  EXPECT_FALSE(refused.issued);
  EXPECT_EQ(state(t1), RefreshTokenState::current);
  EXPECT_FALSE(known(refresh_token("family-1", 2)));
  // Not reuse either: a superseded token with a wider scope is refused for its scope, family intact.
  auto t3 = rotate(rotate(t1));
  EXPECT_EQ(redeem(t1, 200, "client-1", "admin").outcome, RotationOutcome::scope_not_granted);
  EXPECT_EQ(state(t3), RefreshTokenState::current);
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
  auto t1 = issue();
  issue("family-2");
  ok(sync(store().put_upstream_credential("family-1", "sealed-1", 5000)));
  ok(sync(store().put_upstream_credential("family-2", "sealed-2", 5000)));
  auto rotated = redeem(t1);
  ASSERT_EQ(rotated.outcome, RotationOutcome::rotated);
  ASSERT_TRUE(rotated.credential);
  EXPECT_EQ(rotated.credential->key, "family-1");
  EXPECT_EQ(rotated.credential->ciphertext, "sealed-1");
  EXPECT_EQ(rotated.credential->expires_at, 5000);
  auto in_grace = redeem(t1);
  ASSERT_EQ(in_grace.outcome, RotationOutcome::rotated_in_grace);
  ASSERT_TRUE(in_grace.credential);
  EXPECT_EQ(in_grace.credential->ciphertext, "sealed-1");
}

TEST_F(RefreshTokens, RotationWithoutAStoredCredentialReturnsNone) {
  auto t1 = issue();
  ok(sync(store().put_upstream_credential("family-2", "sealed-2", 5000)));
  auto rotated = redeem(t1);
  EXPECT_EQ(rotated.outcome, RotationOutcome::rotated);  // the caller decides what a missing one means
  EXPECT_TRUE(rotated.issued);
  EXPECT_FALSE(rotated.credential);
}

TEST_F(RefreshTokens, RefusalsReturnNoCredential) {
  auto t1 = issue();
  ok(sync(store().put_upstream_credential("family-1", "sealed-1", 5000)));
  EXPECT_FALSE(redeem(t1, 1100).credential);  // expired
  auto t3 = rotate(rotate(t1));
  auto reuse = redeem(t1);
  EXPECT_EQ(reuse.outcome, RotationOutcome::reuse_detected);
  EXPECT_FALSE(reuse.credential);
  auto revoked = redeem(t3);
  EXPECT_EQ(revoked.outcome, RotationOutcome::revoked);
  EXPECT_FALSE(revoked.credential);
}

TEST_F(RefreshTokens, ARotationWritesOnlyTheFamilyRow) {
  auto t1 = issue();
  RawDb raw(file());
  const std::string before = raw.scalar("SELECT count(*) FROM refresh_tokens");
  auto t2 = rotate(t1, 500);
  rotate(t2, 600);
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM refresh_tokens"), before);
  EXPECT_EQ(raw.scalar("SELECT generation || ' ' || previous_generation || ' ' || expires_at FROM refresh_families"),
            "3 2 1600");
}

TEST_F(RefreshTokens, RotationSurvivesARestart) {
  auto t1 = issue();
  auto t2 = rotate(t1);
  reopen();
  EXPECT_EQ(state(t1), RefreshTokenState::previous);
  EXPECT_EQ(redeem(t2).outcome, RotationOutcome::rotated);
}

TEST_F(RefreshTokens, PruningRemovesFamiliesWhoseCurrentTokenExpired) {
  auto t1 = issue();  // expires at 1100
  rotate(t1, 500);    // the current one expires at 1500
  issue("family-2");  // expires at 1100
  auto pruned = ok(sync(store().prune_expired(1200)));
  EXPECT_EQ(pruned.refresh_families, 1);
  EXPECT_EQ(pruned.refresh_tokens, 0);
  EXPECT_FALSE(known(refresh_token("family-2", 1)));
  EXPECT_EQ(state(refresh_token("family-1", 2, 500)), RefreshTokenState::current);
  RawDb raw(file());
  EXPECT_EQ(raw.scalar("SELECT group_concat(family_id) FROM refresh_families"), "family-1");
}

}  // namespace
}  // namespace mcpedge::store::testing
