// Tests for random bytes and tokens: requested sizes, base64url shape, no repeats.
#include "crypto/random.hpp"

#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mcpedge::crypto {
namespace {

TEST(RandomBytes, ReturnsExactlyTheRequestedNumberOfBytes) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(1).size(), 1u);
  EXPECT_EQ(random_bytes(32).size(), 32u);
  EXPECT_EQ(random_bytes(4097).size(), 4097u);
}

TEST(RandomBytes, SuccessiveCallsDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(seen.insert(random_bytes(16)).second) << "repeated 16-byte value at call " << i;
  }
}

TEST(RandomBytes, UsesTheWholeByteRange) {
  // 64 KiB from a uniform source hits every byte value (missing one has probability ~e^-250).
  const std::string bytes = random_bytes(64 * 1024);
  std::set<unsigned char> values(bytes.begin(), bytes.end());
  EXPECT_EQ(values.size(), 256u);
}

TEST(RandomToken, IsBase64UrlOfTheRequestedNumberOfBytes) {
  const std::string token = random_token();
  EXPECT_EQ(token.size(), 43u) << "32 bytes is 43 unpadded base64url characters";
  const auto decoded = base64url_decode(token);
  ASSERT_TRUE(decoded.has_value()) << token;
  EXPECT_EQ(decoded->size(), 32u);

  const auto short_token = base64url_decode(random_token(9));
  ASSERT_TRUE(short_token.has_value());
  EXPECT_EQ(short_token->size(), 9u);
}

TEST(RandomToken, SuccessiveTokensDiffer) { EXPECT_NE(random_token(), random_token()); }

}  // namespace
}  // namespace mcpedge::crypto
