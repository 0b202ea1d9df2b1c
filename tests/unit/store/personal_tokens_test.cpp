// Personal access tokens: create, find by hash, list per user, revoke by owner only, touch.
#include "store_fixture.hpp"

namespace mcpedge::store::testing {
namespace {

PersonalAccessToken pat(std::string id, std::string subject, UnixTime created_at,
                        std::optional<UnixTime> expires_at = std::nullopt) {
  return PersonalAccessToken{id, hash("secret-" + id), std::move(subject), "laptop " + id, created_at, expires_at};
}

TEST_F(StoreTest, PersonalTokenIsFoundByItsHash) {
  ok(sync(store().create_personal_token(pat("pat-1", "alice", 100, 5000))));
  auto found = ok(sync(store().find_personal_token_by_hash(hash("secret-pat-1"))));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, "pat-1");
  EXPECT_EQ(found->token_hash, hash("secret-pat-1"));
  EXPECT_EQ(found->subject, "alice");
  EXPECT_EQ(found->name, "laptop pat-1");
  EXPECT_EQ(found->created_at, 100);
  EXPECT_EQ(found->expires_at, 5000);
  EXPECT_FALSE(found->last_used);
  EXPECT_FALSE(found->expired_at(4999));
  EXPECT_TRUE(found->expired_at(5000));
  EXPECT_FALSE(ok(sync(store().find_personal_token_by_hash(hash("secret-pat-2")))));
}

TEST_F(StoreTest, PersonalTokenWithoutExpiryNeverExpires) {
  ok(sync(store().create_personal_token(pat("pat-1", "alice", 100))));
  auto found = ok(sync(store().find_personal_token_by_hash(hash("secret-pat-1"))));
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->expires_at);
  EXPECT_FALSE(found->expired_at(1'000'000'000'000));
}

TEST_F(StoreTest, DuplicatePersonalTokenIdOrHashIsAConflict) {
  ok(sync(store().create_personal_token(pat("pat-1", "alice", 100))));
  auto same_id = pat("pat-1", "alice", 100);
  same_id.token_hash = hash("another secret");
  EXPECT_EQ(sync(store().create_personal_token(same_id)).error().code, StoreError::Code::conflict);
  auto same_hash = pat("pat-1", "alice", 100);
  same_hash.id = "pat-2";
  EXPECT_EQ(sync(store().create_personal_token(same_hash)).error().code, StoreError::Code::conflict);
}

TEST_F(StoreTest, ListShowsTheUsersTokensNewestFirst) {
  ok(sync(store().create_personal_token(pat("old", "alice", 100))));
  ok(sync(store().create_personal_token(pat("new", "alice", 300))));
  ok(sync(store().create_personal_token(pat("bobs", "bob", 200))));
  auto list = ok(sync(store().list_personal_tokens("alice")));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "new");
  EXPECT_EQ(list[1].id, "old");
}

TEST_F(StoreTest, OnlyTheOwnerCanRevokeAPersonalToken) {
  ok(sync(store().create_personal_token(pat("pat-1", "alice", 100))));
  EXPECT_FALSE(ok(sync(store().revoke_personal_token("pat-1", "mallory"))));
  EXPECT_TRUE(ok(sync(store().find_personal_token_by_hash(hash("secret-pat-1")))));
  EXPECT_TRUE(ok(sync(store().revoke_personal_token("pat-1", "alice"))));
  EXPECT_FALSE(ok(sync(store().find_personal_token_by_hash(hash("secret-pat-1")))));
  EXPECT_TRUE(ok(sync(store().list_personal_tokens("alice"))).empty());
  EXPECT_FALSE(ok(sync(store().revoke_personal_token("pat-1", "alice"))));
}

TEST_F(StoreTest, TouchRecordsTheLastUseOfAPersonalToken) {
  ok(sync(store().create_personal_token(pat("pat-1", "alice", 100))));
  EXPECT_TRUE(ok(sync(store().touch_personal_token("pat-1", 400))));
  EXPECT_TRUE(ok(sync(store().touch_personal_token("pat-1", 300))));  // late: never moves back
  EXPECT_FALSE(ok(sync(store().touch_personal_token("pat-2", 400))));
  auto found = ok(sync(store().find_personal_token_by_hash(hash("secret-pat-1"))));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->last_used, 400);
}

}  // namespace
}  // namespace mcpedge::store::testing
