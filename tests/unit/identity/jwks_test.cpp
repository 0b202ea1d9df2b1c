// Tests for JWKS parsing: RSA and EC P-256 keys from OpenSSL-generated JWKs, and what is skipped or refused.
#include "identity/jwks.hpp"

#include "signing.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mcpedge::identity {
namespace {

namespace json = boost::json;
using testing::ec_jwk;
using testing::jwks_text;
using testing::rsa_jwk;
using testing::shared_p256;
using testing::shared_rsa;

::testing::AssertionResult has_substr(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

TEST(Jwks, ParsesRsaAndEcKeysKeepingKidAlgAndUse) {
  json::object rsa = rsa_jwk(shared_rsa(), "rsa-1");
  rsa["alg"] = "RS256";
  rsa["use"] = "sig";
  auto set = parse_jwks(jwks_text({rsa, ec_jwk(shared_p256(), "ec-1")}));
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->keys.size(), 2u);
  EXPECT_TRUE(set->skipped.empty());
  EXPECT_EQ(set->keys[0].kid, "rsa-1");
  EXPECT_EQ(set->keys[0].alg, "RS256");
  EXPECT_EQ(set->keys[0].use, "sig");
  EXPECT_EQ(set->keys[0].type, KeyType::rsa);
  EXPECT_EQ(EVP_PKEY_get_bits(set->keys[0].pkey.get()), 2048);
  EXPECT_EQ(set->keys[1].kid, "ec-1");
  EXPECT_EQ(set->keys[1].alg, "");
  EXPECT_EQ(set->keys[1].type, KeyType::ec_p256);
  EXPECT_EQ(EVP_PKEY_eq(set->keys[1].pkey.get(), shared_p256()), 1);
  EXPECT_EQ(EVP_PKEY_eq(set->keys[0].pkey.get(), shared_rsa()), 1);
}

TEST(Jwks, KeyFitsOnlyAlgorithmsOfItsTypeAndItsPinnedAlg) {
  VerificationKey rsa{.type = KeyType::rsa};
  EXPECT_TRUE(rsa.fits("RS256"));
  EXPECT_TRUE(rsa.fits("PS256"));
  EXPECT_FALSE(rsa.fits("ES256"));
  EXPECT_FALSE(rsa.fits("HS256"));
  rsa.alg = "PS256";
  EXPECT_FALSE(rsa.fits("RS256"));
  EXPECT_TRUE(rsa.fits("PS256"));
  VerificationKey ec{.type = KeyType::ec_p256};
  EXPECT_TRUE(ec.fits("ES256"));
  EXPECT_FALSE(ec.fits("RS256"));
}

TEST(Jwks, SkipsEncryptionKeysAndUnsupportedOnesWithReasons) {
  json::object enc = rsa_jwk(shared_rsa(), "enc-1");
  enc["use"] = "enc";
  json::object ops = ec_jwk(shared_p256(), "ops-1");
  ops["key_ops"] = json::array{"sign"};
  json::object p384 = ec_jwk(shared_p256(), "p384");
  p384["crv"] = "P-384";
  json::object rs512 = rsa_jwk(shared_rsa(), "rs512");
  rs512["alg"] = "RS512";
  json::object mismatched = ec_jwk(shared_p256(), "ec-as-rs256");
  mismatched["alg"] = "RS256";
  const json::object oct{{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}};
  auto set = parse_jwks(jwks_text({enc, ops, p384, rs512, mismatched, oct, ec_jwk(shared_p256(), "good")}));
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->keys.size(), 1u);
  EXPECT_EQ(set->keys[0].kid, "good");
  ASSERT_EQ(set->skipped.size(), 6u);
  EXPECT_EQ(set->skipped[0].kid, "enc-1");
  EXPECT_TRUE(has_substr(set->skipped[0].reason, "use is \"enc\""));
  EXPECT_TRUE(has_substr(set->skipped[1].reason, "key_ops does not include \"verify\""));
  EXPECT_TRUE(has_substr(set->skipped[2].reason, "crv \"P-384\" is not supported"));
  EXPECT_TRUE(has_substr(set->skipped[3].reason, "alg \"RS512\" is not supported"));
  EXPECT_TRUE(has_substr(set->skipped[4].reason, "does not fit a key of kty \"EC\""));
  EXPECT_EQ(set->skipped[5].kid, "hmac");
  EXPECT_TRUE(has_substr(set->skipped[5].reason, "kty \"oct\" is not supported"));
}

TEST(Jwks, RefusesRsaKeysBelow2048Bits) {
  const PkeyPtr small = testing::generate_rsa(1024);
  auto key = parse_jwk(rsa_jwk(small.get(), "small"));
  ASSERT_FALSE(key);
  EXPECT_TRUE(has_substr(key.error(), "1024 bits is too small"));
}

TEST(Jwks, RefusesEcPointsOffTheCurveAndShortCoordinates) {
  json::object off_curve = ec_jwk(shared_p256(), "bad");
  std::string y = *crypto::base64url_decode(std::string(off_curve["y"].as_string()));
  y[31] = static_cast<char>(y[31] ^ 1);
  off_curve["y"] = crypto::base64url_encode(y);
  EXPECT_FALSE(parse_jwk(off_curve));

  json::object short_x = ec_jwk(shared_p256(), "short");
  short_x["x"] = crypto::base64url_encode(std::string(31, '\x01'));
  auto key = parse_jwk(short_x);
  ASSERT_FALSE(key);
  EXPECT_TRUE(has_substr(key.error(), "32 bytes"));
}

TEST(Jwks, RefusesMissingOrMistypedMembers) {
  json::object no_n = rsa_jwk(shared_rsa(), "k");
  no_n.erase("n");
  EXPECT_TRUE(has_substr(parse_jwk(no_n).error(), "member n is missing"));
  json::object bad_e = rsa_jwk(shared_rsa(), "k");
  bad_e["e"] = "AQ+B";
  EXPECT_TRUE(has_substr(parse_jwk(bad_e).error(), "member e is not base64url"));
  json::object numeric_kid = ec_jwk(shared_p256(), "");
  numeric_kid["kid"] = 7;
  EXPECT_TRUE(has_substr(parse_jwk(numeric_kid).error(), "kid is not a string"));
  EXPECT_TRUE(has_substr(parse_jwk(json::object{{"x", "y"}}).error(), "member kty is missing"));
}

TEST(Jwks, DocumentWithoutUsableKeysIsAnErrorNamingTheReasons) {
  json::object enc = ec_jwk(shared_p256(), "enc-1");
  enc["use"] = "enc";
  auto set = parse_jwks(jwks_text({enc}));
  ASSERT_FALSE(set);
  EXPECT_TRUE(has_substr(set.error().message, "no usable signing key"));
  EXPECT_TRUE(has_substr(set.error().message, "key \"enc-1\": use is \"enc\""));
  EXPECT_TRUE(has_substr(parse_jwks(R"({"keys": []})").error().message, "no usable signing key"));
}

TEST(Jwks, RefusesDocumentsThatAreNotAKeySet) {
  EXPECT_TRUE(has_substr(parse_jwks("{not json").error().message, "not valid JSON"));
  EXPECT_TRUE(has_substr(parse_jwks(R"({"keys": {}})").error().message, "\"keys\" array"));
  EXPECT_TRUE(has_substr(parse_jwks("[]").error().message, "not a JSON object"));
}

}  // namespace
}  // namespace mcpedge::identity
