// Grants per user and client: recorded at sign-in, listed and forgotten when the user revokes a client.
#include "store_fixture.hpp"

namespace mcpedge::store::testing {
namespace {

Grant grant(std::string id, std::string subject, std::string client, UnixTime created_at, UnixTime expires_at) {
  return Grant{std::move(id), std::move(subject), std::move(client), created_at, expires_at};
}

TEST_F(StoreTest, GrantsAreListedPerUserAndClientOldestFirst) {
  ok(sync(store().record_grant(grant("g-2", "alice", "cursor", 200, 9000))));
  ok(sync(store().record_grant(grant("g-1", "alice", "cursor", 100, 9000))));
  ok(sync(store().record_grant(grant("g-3", "alice", "vscode", 100, 9000))));
  ok(sync(store().record_grant(grant("g-4", "bob", "cursor", 100, 9000))));
  auto listed = ok(sync(store().list_grants("alice", "cursor", 150)));
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, "g-1");
  EXPECT_EQ(listed[1].id, "g-2");
  EXPECT_EQ(listed[1].created_at, 200);
  EXPECT_EQ(listed[1].expires_at, 9000);
  EXPECT_EQ(listed[1].subject, "alice");
  EXPECT_EQ(listed[1].client_id, "cursor");
}

TEST_F(StoreTest, ExpiredGrantsAreNotListedAndArePruned) {
  ok(sync(store().record_grant(grant("old", "alice", "cursor", 100, 500))));
  ok(sync(store().record_grant(grant("new", "alice", "cursor", 400, 5000))));
  auto listed = ok(sync(store().list_grants("alice", "cursor", 500)));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, "new");
  EXPECT_EQ(ok(sync(store().prune_expired(500))).grants, 1);
  EXPECT_EQ(ok(sync(store().list_grants("alice", "cursor", 0))).size(), 1u);
}

TEST_F(StoreTest, ForgettingGrantsTouchesOnlyThatUserAndClient) {
  ok(sync(store().record_grant(grant("g-1", "alice", "cursor", 100, 9000))));
  ok(sync(store().record_grant(grant("g-2", "alice", "cursor", 200, 9000))));
  ok(sync(store().record_grant(grant("g-3", "alice", "vscode", 100, 9000))));
  ok(sync(store().record_grant(grant("g-4", "bob", "cursor", 100, 9000))));
  EXPECT_EQ(ok(sync(store().forget_grants("alice", "cursor"))), 2);
  EXPECT_TRUE(ok(sync(store().list_grants("alice", "cursor", 0))).empty());
  EXPECT_EQ(ok(sync(store().list_grants("alice", "vscode", 0))).size(), 1u);
  EXPECT_EQ(ok(sync(store().list_grants("bob", "cursor", 0))).size(), 1u);
  EXPECT_EQ(ok(sync(store().forget_grants("alice", "cursor"))), 0);
}

TEST_F(StoreTest, DuplicateGrantIdIsAConflict) {
  ok(sync(store().record_grant(grant("g-1", "alice", "cursor", 100, 9000))));
  EXPECT_EQ(sync(store().record_grant(grant("g-1", "bob", "vscode", 100, 9000))).error().code,
            StoreError::Code::conflict);
}

}  // namespace
}  // namespace mcpedge::store::testing
