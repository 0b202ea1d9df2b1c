// Sealed access tokens, refresh tokens, authorization codes and pending authorizations.
#include "oauth/tokens.hpp"

#include <gtest/gtest.h>

namespace mcpedge::oauth {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const crypto::KeyRing> ring() { return *crypto::KeyRing::parse(crypto::KeyRing::generate_key()); }

AccessToken token(Clock::time_point now) {
  return AccessToken{"https://mcp.example.com/mcp",
                     "user-1",
                     "org-7",
                     "mcp:tools",
                     "mcpc_abc",
                     "upstream-secret",
                     "family-1",
                     now + 10min};
}

TEST(AccessToken, RoundTripsEveryFieldForItsAudience) {
  auto keys = ring();
  auto now = Clock::now();
  std::string sealed = seal_access_token(*keys, token(now));
  EXPECT_TRUE(sealed.starts_with("mcpat_"));
  EXPECT_EQ(sealed.find("upstream-secret"), std::string::npos) << "the upstream credential is encrypted";
  auto opened = open_access_token(*keys, sealed, "https://mcp.example.com/mcp", now);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->subject, "user-1");
  EXPECT_EQ(opened->org, "org-7");
  EXPECT_EQ(opened->scope, "mcp:tools");
  EXPECT_EQ(opened->client_id, "mcpc_abc");
  EXPECT_EQ(opened->credential, "upstream-secret");
  EXPECT_EQ(opened->grant, "family-1");
}

TEST(AccessToken, TokenForAnotherResourceIsRefused) {
  auto keys = ring();
  auto now = Clock::now();
  auto opened = open_access_token(*keys, seal_access_token(*keys, token(now)), "https://other.example/mcp", now);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), TokenError::wrong_audience);
}

TEST(AccessToken, ExpiredForgedAndForeignTokensAreRefused) {
  auto keys = ring();
  auto now = Clock::now();
  std::string sealed = seal_access_token(*keys, token(now));
  EXPECT_EQ(open_access_token(*keys, sealed, "https://mcp.example.com/mcp", now + 11min).error(), TokenError::expired);
  std::string tampered = sealed;
  tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
  EXPECT_EQ(open_access_token(*keys, tampered, "https://mcp.example.com/mcp", now).error(), TokenError::forged);
  EXPECT_EQ(open_access_token(*ring(), sealed, "https://mcp.example.com/mcp", now).error(), TokenError::forged);
  EXPECT_EQ(open_access_token(*keys, "eyJhbGciOi.x.y", "https://mcp.example.com/mcp", now).error(),
            TokenError::malformed);
}

TEST(AuthorizationCode, RoundTripsAndDoesNotOpenAsAnAccessToken) {
  auto keys = ring();
  auto now = Clock::now();
  AuthorizationCode code{"mcpc_abc",
                         "http://127.0.0.1:5555/cb",
                         "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                         "https://mcp.example.com/mcp",
                         "mcp:tools",
                         "user-1",
                         "",
                         "cred-key",
                         "code-id-1",
                         now + 60s};
  std::string sealed = seal_authorization_code(*keys, code);
  EXPECT_TRUE(sealed.starts_with("mcpac_"));
  auto opened = open_authorization_code(*keys, sealed, now);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->redirect_uri, "http://127.0.0.1:5555/cb");
  EXPECT_EQ(opened->code_challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  EXPECT_EQ(opened->id, "code-id-1");
  EXPECT_EQ(open_authorization_code(*keys, sealed, now + 61s).error(), TokenError::expired);
  std::string as_token = "mcpat_" + sealed.substr(6);
  EXPECT_EQ(open_access_token(*keys, as_token, "https://mcp.example.com/mcp", now).error(), TokenError::forged);
}

TEST(RefreshToken, RoundTripsItsFamilyGenerationScopesAndTimes) {
  auto keys = ring();
  auto now = Clock::time_point(std::chrono::seconds(1'800'000'000));
  RefreshTokenClaims claims{"family-1", 42, "mcp:tools files:read", now, now + 24h};
  std::string sealed = seal_refresh_token(*keys, claims);
  EXPECT_TRUE(sealed.starts_with("mcprt_"));
  EXPECT_NE(sealed.size(), k_random_refresh_token_size);  // never taken for a random token from before
  EXPECT_EQ(sealed.find("family-1"), std::string::npos) << "the family id is encrypted";
  auto opened = open_refresh_token(*keys, sealed, now);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->family_id, "family-1");
  EXPECT_EQ(opened->generation, 42);
  EXPECT_EQ(opened->scope, "mcp:tools files:read");
  EXPECT_EQ(opened->issued_at, now);
  EXPECT_EQ(opened->expires_at, now + 24h);
  EXPECT_NE(seal_refresh_token(*keys, claims), sealed) << "each seal has its own nonce";
}

TEST(RefreshToken, RefusesExpiredForgedForeignAndMalformedTokens) {
  auto keys = ring();
  auto now = Clock::now();
  RefreshTokenClaims claims{"family-1", 1, "mcp:tools", now, now + 1h};
  std::string sealed = seal_refresh_token(*keys, claims);
  EXPECT_EQ(open_refresh_token(*keys, sealed, now + 1h).error(), TokenError::expired);
  EXPECT_EQ(open_refresh_token(*ring(), sealed, now).error(), TokenError::forged);  // another key ring
  std::string tampered = sealed;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(open_refresh_token(*keys, tampered, now).error(), TokenError::forged);
  // Purposes do not mix: an access token's box is no refresh token, and the other way round.
  std::string access = seal_access_token(*keys, token(now));
  EXPECT_EQ(open_refresh_token(*keys, "mcprt_" + access.substr(6), now).error(), TokenError::forged);
  EXPECT_EQ(open_access_token(*keys, "mcpat_" + sealed.substr(6), "https://mcp.example.com/mcp", now).error(),
            TokenError::forged);
  EXPECT_EQ(open_refresh_token(*keys, "mcprt_never_issued", now).error(), TokenError::malformed);
  EXPECT_EQ(open_refresh_token(*keys, sealed.substr(6), now).error(), TokenError::malformed);  // no prefix
  // A box that opens but names no family or generation is not a refresh token.
  EXPECT_EQ(open_refresh_token(*keys, seal_refresh_token(*keys, {"", 1, "", now, now + 1h}), now).error(),
            TokenError::malformed);
  EXPECT_EQ(open_refresh_token(*keys, seal_refresh_token(*keys, {"family-1", 0, "", now, now + 1h}), now).error(),
            TokenError::malformed);
}

TEST(PendingAuthorization, RoundTripsTheParkedRequest) {
  auto keys = ring();
  auto now = Clock::now();
  PendingAuthorization pending{"mcpc_abc",
                               "cursor://anysphere.cursor-mcp/oauth/callback",
                               "client-state",
                               "challenge",
                               "https://mcp.example.com/mcp",
                               "mcp:tools",
                               "verifier",
                               "binding-hash",
                               "nonce-1",
                               now + 10min};
  auto opened = open_pending_authorization(*keys, seal_pending_authorization(*keys, pending), now);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->redirect_uri, "cursor://anysphere.cursor-mcp/oauth/callback");
  EXPECT_EQ(opened->client_state, "client-state");
  EXPECT_EQ(opened->upstream_verifier, "verifier");
  EXPECT_EQ(opened->browser_binding, "binding-hash");
  EXPECT_EQ(opened->nonce, "nonce-1");
}

}  // namespace
}  // namespace mcpedge::oauth
