// The bearer check of MCP requests with mcpedge access tokens: the same answer whether the token was
// opened before or not, and revocation and expiry still refuse a token that was accepted once.
#include "oauth/bearer.hpp"

#include "grants_fixture.hpp"
#include "oauth/tokens.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

namespace mcpedge::oauth {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

class BearerTest : public testing::GrantsFixture {
 protected:
  BearerTest() : bearer_(keys_, server(), auth_, revoked_, *store_, personal_) {}

  static ServerDescription server() {
    ServerDescription s;
    s.issuer = "https://mcp.example.com";
    return s;
  }

  std::string token(Clock::time_point expires_at, std::string grant = "family-1",
                    std::string audience = "https://mcp.example.com/mcp") {
    return seal_access_token(*keys_, AccessToken{std::move(audience), "ada", "org_acme", "mcp workflows:read",
                                                 "mcpc_abc", "wf_user_ada", std::move(grant), expires_at});
  }

  // The bearer check of one POST /mcp with `Authorization: Bearer <token>`, run on the worker's loop.
  Expected<mcp::Caller, http::Reply> check(const std::string& token) {
    http::Request req{http::Verb::post, "/mcp", 11};
    req.set(http::Field::authorization, "Bearer " + token);
    http::Incoming in{req, {}, worker_, "/mcp", {}};
    worker_.loop().restart();
    auto checked = store::testing::in_optional(bearer_.authenticate(in));
    auto done = boost::asio::co_spawn(worker_.loop(), std::move(checked), boost::asio::use_future);
    worker_.loop().run();
    return std::move(*done.get());
  }

  static std::string challenge(const Expected<mcp::Caller, http::Reply>& result) {
    return result ? std::string() : std::string(result.error().head[http::Field::www_authenticate]);
  }

  RevocationList revoked_;
  BearerAuthenticator bearer_;
};

TEST_F(BearerTest, ATokenGivesTheSameCallerTheFirstTimeAndAfter) {
  const std::string t = token(Clock::now() + 1h);
  for (int i = 0; i < 3; ++i) {
    auto caller = check(t);
    ASSERT_TRUE(caller) << "request " << i << ": " << challenge(caller);
    EXPECT_EQ(caller->credential, "wf_user_ada");
    EXPECT_TRUE(caller->bearer) << "idp_token strategy: the credential goes upstream as a bearer token";
    EXPECT_EQ(caller->user, user_key("ada", "org_acme"));
    ASSERT_TRUE(caller->scopes);
    EXPECT_EQ(*caller->scopes, (std::vector<std::string>{"mcp", "workflows:read"}));
  }
}

TEST_F(BearerTest, ATokenAcceptedOnceIsRefusedAfterItsGrantIsRevoked) {
  const std::string t = token(Clock::now() + 1h);
  ASSERT_TRUE(check(t));
  revoked_.add("family-1");
  auto after = check(t);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().head.result(), http::Status::unauthorized);
  EXPECT_NE(challenge(after).find("invalid_token"), std::string::npos);
  EXPECT_NE(after.error().head.body().find("revoked"), std::string::npos) << after.error().head.body();
  EXPECT_TRUE(check(token(Clock::now() + 1h, "family-2"))) << "another grant's token is unaffected";
}

TEST_F(BearerTest, ATokenAcceptedOnceIsRefusedAsExpiredOnceItExpires) {
  // Sealed expiries are whole seconds: this token is valid until the next second starts.
  const auto expires_at = std::chrono::ceil<std::chrono::seconds>(Clock::now() + 1s);
  const std::string t = token(expires_at);
  ASSERT_TRUE(check(t));
  std::this_thread::sleep_until(expires_at + 20ms);
  auto after = check(t);
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().head.body().find("expired"), std::string::npos) << after.error().head.body();
}

TEST_F(BearerTest, ForgedAndMisdirectedTokensAreRefusedEveryTime) {
  const std::string good = token(Clock::now() + 1h);
  ASSERT_TRUE(check(good));
  std::string forged = good;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  for (int i = 0; i < 2; ++i) {
    auto refused = check(forged);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().head.body().find("not valid"), std::string::npos) << refused.error().head.body();
  }
  const std::string other = token(Clock::now() + 1h, "family-1", "https://other.example/mcp");
  for (int i = 0; i < 2; ++i) {
    auto refused = check(other);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().head.body().find("another resource"), std::string::npos);
  }
  EXPECT_TRUE(check(good)) << "the valid token is still accepted";
}

}  // namespace
}  // namespace mcpedge::oauth
