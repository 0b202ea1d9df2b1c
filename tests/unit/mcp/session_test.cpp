// Tests of sealed 2025-era session ids and of the terminated-session list.
#include "mcp/session.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace mcpedge::mcp {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::shared_ptr<const crypto::KeyRing> ring(std::initializer_list<unsigned char> fills) {
  std::vector<crypto::KeyRing::Key> keys;
  for (unsigned char fill : fills) {
    crypto::KeyRing::Key key;
    key.fill(fill);
    keys.push_back(key);
  }
  return crypto::KeyRing::from_keys(std::move(keys));
}

Session sample() {
  Session s;
  s.revision = Revision::v2025_06_18;
  s.user_key = user_key_for("sk_live_123");
  s.client_capabilities = json::object{{"sampling", json::object{}}, {"roots", json::object{{"listChanged", true}}}};
  return s;
}

TEST(SessionCodec, OpenReturnsWhatWasIssued) {
  SessionCodec codec(ring({1}), 3600s);
  std::string id = codec.issue(sample());
  auto opened = codec.open(id);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->revision, Revision::v2025_06_18);
  EXPECT_EQ(opened->user_key, sample().user_key);
  EXPECT_EQ(opened->client_capabilities, sample().client_capabilities);
}

TEST(SessionCodec, AnonymousSessionWithoutCapabilitiesRoundTrips) {
  SessionCodec codec(ring({1}), 3600s);
  Session s;
  s.revision = Revision::v2024_11_05;
  auto opened = codec.open(codec.issue(s));
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->revision, Revision::v2024_11_05);
  EXPECT_EQ(opened->user_key, "");
  EXPECT_TRUE(opened->client_capabilities.empty());
}

TEST(SessionCodec, IdDoesNotRevealItsContents) {
  SessionCodec codec(ring({1}), 3600s);
  std::string id = codec.issue(sample());
  EXPECT_EQ(id.find("2025-06-18"), std::string::npos);
  EXPECT_EQ(id.find("sampling"), std::string::npos);
  EXPECT_NE(codec.issue(sample()), id);  // fresh nonce every time
}

TEST(SessionCodec, TamperedIdDoesNotOpen) {
  SessionCodec codec(ring({1}), 3600s);
  std::string id = codec.issue(sample());
  std::string tampered = id;
  char& c = tampered[tampered.size() / 2];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_FALSE(codec.open(tampered));
  EXPECT_FALSE(codec.open(id.substr(0, id.size() - 4)));
  EXPECT_FALSE(codec.open("not-a-session"));
}

TEST(SessionCodec, IdFromAnotherKeyRingDoesNotOpen) {
  auto mine = ring({1});
  auto theirs = ring({2});
  ASSERT_NE(mine->active_id(), theirs->active_id());
  std::string id = SessionCodec(theirs, 3600s).issue(sample());
  auto opened = SessionCodec(mine, 3600s).open(id);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), crypto::OpenError::unknown_key);
}

TEST(SessionCodec, IdSealedWithARetiredKeyStillOpensAfterRotation) {
  std::string id = SessionCodec(ring({1}), 3600s).issue(sample());
  auto opened = SessionCodec(ring({2, 1}), 3600s).open(id);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->user_key, sample().user_key);
}

TEST(SessionCodec, ExpiredIdDoesNotOpen) {
  SessionCodec codec(ring({1}), -1s);
  auto opened = codec.open(codec.issue(sample()));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), crypto::OpenError::expired);
}

TEST(UserKeyFor, IsStablePerCredentialAndHidesIt) {
  EXPECT_EQ(user_key_for(""), "");
  EXPECT_EQ(user_key_for("sk_live_123"), user_key_for("sk_live_123"));
  EXPECT_NE(user_key_for("sk_live_123"), user_key_for("sk_live_124"));
  EXPECT_EQ(user_key_for("sk_live_123").find("sk_live"), std::string::npos);
  EXPECT_FALSE(user_key_for("x").empty());
}

TEST(TerminatedSessions, ContainsOnlyTheEndedIds) {
  TerminatedSessions ended;
  EXPECT_FALSE(ended.contains("session-a"));
  ended.add("session-a", 3600s);
  EXPECT_TRUE(ended.contains("session-a"));
  EXPECT_FALSE(ended.contains("session-b"));
  ended.add("session-b", 3600s);
  EXPECT_TRUE(ended.contains("session-a"));
  EXPECT_TRUE(ended.contains("session-b"));
}

}  // namespace
}  // namespace mcpedge::mcp
