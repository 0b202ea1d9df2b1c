// Upstream credentials and revocations: kept until they expire, then pruned.
#include "store_fixture.hpp"

#include <algorithm>

namespace mcpedge::store::testing {
namespace {

// Whether the store holds a revocation entry for (kind, id), expired or not: listed as of time 0,
// so that only pruning removes an entry from what this sees.
bool revoked(Store& store, RevocationKind kind, const std::string& id) {
  const auto ids = ok(sync(store.list_revoked(kind, 0)));
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST_F(StoreTest, UpstreamCredentialRoundTripsItsBytes) {
  const std::string sealed = std::string("\x00\x01sealed\xff", 9) + hash("payload");
  ok(sync(store().put_upstream_credential("alice|org-1", sealed, 5000)));
  auto found = ok(sync(store().get_upstream_credential("alice|org-1")));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->key, "alice|org-1");
  EXPECT_EQ(found->ciphertext, sealed);
  EXPECT_EQ(found->expires_at, 5000);
  EXPECT_FALSE(ok(sync(store().get_upstream_credential("alice|org-2"))));
}

TEST_F(StoreTest, PuttingAnUpstreamCredentialAgainReplacesIt) {
  ok(sync(store().put_upstream_credential("alice", "first", 5000)));
  ok(sync(store().put_upstream_credential("alice", "refreshed", 9000)));
  auto found = ok(sync(store().get_upstream_credential("alice")));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->ciphertext, "refreshed");
  EXPECT_EQ(found->expires_at, 9000);
}

TEST_F(StoreTest, RemovedUpstreamCredentialIsGone) {
  ok(sync(store().put_upstream_credential("alice", "sealed", 5000)));
  EXPECT_TRUE(ok(sync(store().remove_upstream_credential("alice"))));
  EXPECT_FALSE(ok(sync(store().remove_upstream_credential("alice"))));
  EXPECT_FALSE(ok(sync(store().get_upstream_credential("alice"))));
}

TEST_F(StoreTest, RevocationIsPerKindAndId) {
  ok(sync(store().revoke(RevocationKind::client, "client-1", 5000)));
  EXPECT_TRUE(revoked(store(), RevocationKind::client, "client-1"));
  EXPECT_FALSE(revoked(store(), RevocationKind::session, "client-1"));
  EXPECT_FALSE(revoked(store(), RevocationKind::client, "client-2"));
  ok(sync(store().revoke(RevocationKind::session, "session-hash", 5000)));
  ok(sync(store().revoke(RevocationKind::grant, "grant-1", 5000)));
  EXPECT_TRUE(revoked(store(), RevocationKind::session, "session-hash"));
  EXPECT_TRUE(revoked(store(), RevocationKind::grant, "grant-1"));
}

TEST_F(StoreTest, PruningRemovesOnlyWhatExpired) {
  ok(sync(store().revoke(RevocationKind::client, "short", 1000)));
  ok(sync(store().revoke(RevocationKind::client, "extended", 1000)));
  ok(sync(store().revoke(RevocationKind::client, "extended", 3000)));  // revoking again extends
  ok(sync(store().revoke(RevocationKind::client, "extended", 2000)));  // and never shortens
  ok(sync(store().put_upstream_credential("expiring", "sealed", 1000)));
  ok(sync(store().put_upstream_credential("lasting", "sealed", 3000)));
  ok(sync(store().mark_code_used(hash("code"), 1000, 900)));
  auto pruned = ok(sync(store().prune_expired(2500)));
  EXPECT_EQ(pruned.revocations, 1);
  EXPECT_EQ(pruned.upstream_credentials, 1);
  EXPECT_EQ(pruned.used_codes, 1);
  EXPECT_EQ(pruned.refresh_tokens, 0);
  EXPECT_FALSE(revoked(store(), RevocationKind::client, "short"));
  EXPECT_TRUE(revoked(store(), RevocationKind::client, "extended"));
  EXPECT_FALSE(ok(sync(store().get_upstream_credential("expiring"))));
  EXPECT_TRUE(ok(sync(store().get_upstream_credential("lasting"))));
}

}  // namespace
}  // namespace mcpedge::store::testing
