// Consent per user and client: save, find, list with usage times, touch, delete.
#include "store_fixture.hpp"

namespace mcpedge::store::testing {
namespace {

Consent consent_for(std::string subject, std::string client_id, UnixTime granted_at, std::string scopes = "read") {
  std::string client_name = "Client " + client_id;
  return Consent{std::move(subject),     std::move(client_id), std::move(client_name),
                 "https://c.example/cb", std::move(scopes),    granted_at};
}

TEST_F(StoreTest, SavedConsentIsFoundForThatUserAndClientOnly) {
  ok(sync(store().save_consent(consent_for("alice", "client-1", 100, "read write"))));
  auto found = ok(sync(store().find_consent("alice", "client-1")));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->client_name, "Client client-1");
  EXPECT_EQ(found->redirect_uri, "https://c.example/cb");
  EXPECT_EQ(found->scopes, "read write");
  EXPECT_EQ(found->granted_at, 100);
  EXPECT_FALSE(found->first_used);
  EXPECT_FALSE(found->last_used);
  EXPECT_FALSE(ok(sync(store().find_consent("alice", "client-2"))));
  EXPECT_FALSE(ok(sync(store().find_consent("bob", "client-1"))));
}

TEST_F(StoreTest, TouchSetsFirstUsedOnceAndLastUsedEachTime) {
  ok(sync(store().save_consent(consent_for("alice", "client-1", 100))));
  EXPECT_TRUE(ok(sync(store().touch_consent("alice", "client-1", 200))));
  EXPECT_TRUE(ok(sync(store().touch_consent("alice", "client-1", 300))));
  EXPECT_TRUE(ok(sync(store().touch_consent("alice", "client-1", 250))));  // late: never moves back
  auto found = ok(sync(store().find_consent("alice", "client-1")));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first_used, 200);
  EXPECT_EQ(found->last_used, 300);
  EXPECT_FALSE(ok(sync(store().touch_consent("alice", "client-2", 300))));
}

TEST_F(StoreTest, SavingAgainReplacesTheDecisionButKeepsItsUsage) {
  ok(sync(store().save_consent(consent_for("alice", "client-1", 100, "read"))));
  ok(sync(store().touch_consent("alice", "client-1", 150)));
  ok(sync(store().save_consent(consent_for("alice", "client-1", 200, "read write"))));
  auto found = ok(sync(store().find_consent("alice", "client-1")));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->scopes, "read write");
  EXPECT_EQ(found->granted_at, 200);
  EXPECT_EQ(found->first_used, 150);
  EXPECT_EQ(found->last_used, 150);
}

TEST_F(StoreTest, ListIsTheUsersConsentsMostRecentlyUsedFirst) {
  ok(sync(store().save_consent(consent_for("alice", "old-unused", 100))));
  ok(sync(store().save_consent(consent_for("alice", "used-lately", 110))));
  ok(sync(store().save_consent(consent_for("alice", "new-unused", 300))));
  ok(sync(store().save_consent(consent_for("bob", "client-1", 100))));
  ok(sync(store().touch_consent("alice", "used-lately", 400)));
  auto list = ok(sync(store().list_consents("alice")));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].client_id, "used-lately");
  EXPECT_EQ(list[0].first_used, 400);
  EXPECT_EQ(list[1].client_id, "new-unused");
  EXPECT_EQ(list[2].client_id, "old-unused");
  EXPECT_TRUE(ok(sync(store().list_consents("carol"))).empty());
}

TEST_F(StoreTest, DeleteRemovesOnlyThatClientsConsent) {
  ok(sync(store().save_consent(consent_for("alice", "client-1", 100))));
  ok(sync(store().save_consent(consent_for("alice", "client-2", 100))));
  EXPECT_TRUE(ok(sync(store().delete_consent("alice", "client-1"))));
  EXPECT_FALSE(ok(sync(store().delete_consent("alice", "client-1"))));
  EXPECT_FALSE(ok(sync(store().find_consent("alice", "client-1"))));
  EXPECT_TRUE(ok(sync(store().find_consent("alice", "client-2"))));
}

}  // namespace
}  // namespace mcpedge::store::testing
