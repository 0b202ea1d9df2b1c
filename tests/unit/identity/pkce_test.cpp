// Tests for mcpedge's upstream PKCE pair: RFC 7636 Appendix B, verifier syntax, generation and checking.
#include "identity/pkce.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

namespace mcpedge::identity {
namespace {

// RFC 7636 Appendix B.
constexpr std::string_view k_rfc_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view k_rfc_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

TEST(Pkce, S256MatchesRfc7636AppendixB) {
  EXPECT_EQ(s256_challenge(k_rfc_verifier), k_rfc_challenge);
  EXPECT_TRUE(verify_s256(k_rfc_verifier, k_rfc_challenge));
}

TEST(Pkce, VerifyRefusesAnyOtherVerifierOrChallenge) {
  std::string other(k_rfc_verifier);
  other.back() = 'j';
  EXPECT_FALSE(verify_s256(other, k_rfc_challenge));
  std::string challenge(k_rfc_challenge);
  challenge[0] = 'F';
  EXPECT_FALSE(verify_s256(k_rfc_verifier, challenge));
  EXPECT_FALSE(verify_s256(k_rfc_verifier, ""));
  // method "plain" is not accepted: the verifier itself is not its challenge.
  EXPECT_FALSE(verify_s256(k_rfc_verifier, k_rfc_verifier));
}

TEST(Pkce, VerifyRefusesASyntacticallyInvalidVerifierEvenWhenItHashesRight) {
  const std::string short_verifier = "abc";
  EXPECT_FALSE(verify_s256(short_verifier, s256_challenge(short_verifier)));
  std::string with_plus(43, 'a');
  with_plus[42] = '+';
  EXPECT_FALSE(verify_s256(with_plus, s256_challenge(with_plus)));
}

TEST(Pkce, VerifierSyntaxFollowsRfc7636Section4_1) {
  EXPECT_TRUE(is_valid_verifier(std::string(43, 'a')));
  EXPECT_TRUE(is_valid_verifier(std::string(128, 'Z')));
  EXPECT_FALSE(is_valid_verifier(std::string(42, 'a')));
  EXPECT_FALSE(is_valid_verifier(std::string(129, 'a')));
  EXPECT_TRUE(is_valid_verifier("0123456789-._~ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"));
  for (const char bad : std::string("+/= %\"\x7f\xc3")) {
    std::string verifier(43, 'a');
    verifier[20] = bad;
    EXPECT_FALSE(is_valid_verifier(verifier)) << "character " << static_cast<int>(bad);
  }
}

TEST(Pkce, S256ChallengeSyntaxIsFortyThreeBase64urlCharacters) {
  EXPECT_TRUE(is_valid_s256_challenge(k_rfc_challenge));
  std::string longer(k_rfc_challenge);
  longer.push_back('A');
  EXPECT_FALSE(is_valid_s256_challenge(longer));
  EXPECT_FALSE(is_valid_s256_challenge(k_rfc_challenge.substr(1)));
  std::string padded(k_rfc_challenge);
  padded.back() = '=';
  EXPECT_FALSE(is_valid_s256_challenge(padded));
}

TEST(Pkce, GeneratedPairsAreValidFreshAndMatch) {
  std::set<std::string> seen;
  for (const std::size_t length : {std::size_t{43}, std::size_t{64}, std::size_t{100}, std::size_t{128}}) {
    for (int i = 0; i < 25; ++i) {
      const PkcePair pair = make_pkce_pair(length);
      EXPECT_EQ(pair.verifier.size(), length);
      EXPECT_TRUE(is_valid_verifier(pair.verifier)) << pair.verifier;
      EXPECT_TRUE(is_valid_s256_challenge(pair.challenge));
      EXPECT_TRUE(verify_s256(pair.verifier, pair.challenge));
      EXPECT_TRUE(seen.insert(pair.verifier).second) << "repeated verifier " << pair.verifier;
    }
  }
  EXPECT_EQ(make_pkce_pair().verifier.size(), 43u);
}

TEST(Pkce, VerifierLengthOutsideTheRfcRangeIsABug) {
  EXPECT_THROW(make_pkce_pair(42), std::invalid_argument);
  EXPECT_THROW(make_pkce_pair(129), std::invalid_argument);
}

}  // namespace
}  // namespace mcpedge::identity
