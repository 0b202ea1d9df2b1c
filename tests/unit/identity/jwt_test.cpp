// Tests for id_token / JWT verification: tokens signed here with EVP_DigestSign, checked against their JWKS.
#include "identity/jwt.hpp"

#include "signing.hpp"

#include <openssl/hmac.h>

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <string>

namespace mcpedge::identity {
namespace {

namespace json = boost::json;
using testing::ec_jwk;
using testing::rsa_jwk;
using testing::shared_p256;
using testing::shared_rsa;
using testing::sign_token;

constexpr std::int64_t k_now = 1'750'000'000;
const std::chrono::system_clock::time_point k_clock{std::chrono::seconds(k_now)};

JwkSet key_set(std::initializer_list<json::object> jwks) {
  auto set = parse_jwks(testing::jwks_text(jwks));
  if (!set) throw std::runtime_error(set.error().message);
  return std::move(*set);
}

JwtExpectations expectations() {
  JwtExpectations e;
  e.issuer = "https://idp.example.com";
  e.audience = "mcpedge-client";
  e.leeway = std::chrono::seconds(0);
  return e;
}

json::object id_token_claims() {
  return {{"iss", "https://idp.example.com"},
          {"sub", "user-42"},
          {"aud", "mcpedge-client"},
          {"iat", k_now - 10},
          {"exp", k_now + 300}};
}

// An ES256 token with kid "ec-1", checked against a set holding that key (EC keys are quick to make).
class EsToken : public ::testing::Test {
 protected:
  JwkSet keys_ = key_set({ec_jwk(shared_p256(), "ec-1")});
  json::object header_{{"alg", "ES256"}, {"kid", "ec-1"}, {"typ", "JWT"}};

  Expected<json::object, JwtError> verify(const json::object& claims, const JwtExpectations& e = expectations()) {
    return verify_jwt(sign_token(shared_p256(), header_, claims), keys_, e, k_clock);
  }
};

void expect_failure(const Expected<json::object, JwtError>& result, JwtFailure reason) {
  ASSERT_FALSE(result) << "the token was accepted";
  EXPECT_STREQ(to_string(result.error().reason), to_string(reason)) << result.error().message;
  EXPECT_FALSE(result.error().message.empty());
}

std::string with_part(const std::string& token, int index, const std::string& replacement) {
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  if (index == 1) return token.substr(0, first + 1) + replacement + token.substr(second);
  return token.substr(0, second + 1) + replacement;
}

TEST(Jwt, Rs256TokenVerifiesAndReturnsItsClaims) {
  const JwkSet keys = key_set({rsa_jwk(shared_rsa(), "rsa-1")});
  const std::string token = sign_token(shared_rsa(), {{"alg", "RS256"}, {"kid", "rsa-1"}}, id_token_claims());
  auto claims = verify_jwt(token, keys, expectations(), k_clock);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->at("sub"), "user-42");
  EXPECT_EQ(*claims, id_token_claims());
}

TEST(Jwt, Ps256TokenVerifies) {
  const JwkSet keys = key_set({rsa_jwk(shared_rsa(), "rsa-1")});
  const std::string token = sign_token(shared_rsa(), {{"alg", "PS256"}, {"kid", "rsa-1"}}, id_token_claims());
  auto claims = verify_jwt(token, keys, expectations(), k_clock);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->at("sub"), "user-42");
}

TEST(Jwt, KeyPinnedToRs256DoesNotVerifyPs256) {
  json::object jwk = rsa_jwk(shared_rsa(), "rsa-1");
  jwk["alg"] = "RS256";
  const std::string token = sign_token(shared_rsa(), {{"alg", "PS256"}, {"kid", "rsa-1"}}, id_token_claims());
  expect_failure(verify_jwt(token, key_set({jwk}), expectations(), k_clock), JwtFailure::unknown_key);
}

TEST(Jwt, Rs256TokenWithPayloadTamperedFailsTheSignature) {
  const JwkSet keys = key_set({rsa_jwk(shared_rsa(), "rsa-1")});
  const std::string token = sign_token(shared_rsa(), {{"alg", "RS256"}, {"kid", "rsa-1"}}, id_token_claims());
  json::object forged = id_token_claims();
  forged["sub"] = "admin";
  const std::string tampered = with_part(token, 1, crypto::base64url_encode(json::serialize(forged)));
  expect_failure(verify_jwt(tampered, keys, expectations(), k_clock), JwtFailure::bad_signature);
}

TEST(Jwt, RsaSignatureOfTheWrongLengthFails) {
  const JwkSet keys = key_set({rsa_jwk(shared_rsa(), "rsa-1")});
  const std::string token = sign_token(shared_rsa(), {{"alg", "RS256"}, {"kid", "rsa-1"}}, id_token_claims());
  std::string signature = *crypto::base64url_decode(token.substr(token.rfind('.') + 1));
  expect_failure(
      verify_jwt(with_part(token, 2, crypto::base64url_encode(signature.substr(1))), keys, expectations(), k_clock),
      JwtFailure::bad_signature);
}

TEST_F(EsToken, Es256TokenVerifies) {
  auto claims = verify(id_token_claims());
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->at("iss"), "https://idp.example.com");
}

TEST_F(EsToken, PayloadTamperedFailsTheSignature) {
  const std::string token = sign_token(shared_p256(), header_, id_token_claims());
  json::object forged = id_token_claims();
  forged["exp"] = k_now + 999999;
  expect_failure(verify_jwt(with_part(token, 1, crypto::base64url_encode(json::serialize(forged))), keys_,
                            expectations(), k_clock),
                 JwtFailure::bad_signature);
}

TEST_F(EsToken, DerEncodedSignatureIsRefused) {
  // RFC 7518 §3.4 wants R || S; a DER signature (what OpenSSL emits) is not a JWS signature.
  const std::string token = sign_token(shared_p256(), header_, id_token_claims());
  const std::string input = token.substr(0, token.rfind('.'));
  const std::string der = testing::evp_sign(shared_p256(), "ES256", input);
  expect_failure(verify_jwt(input + "." + crypto::base64url_encode(der), keys_, expectations(), k_clock),
                 JwtFailure::bad_signature);
}

TEST_F(EsToken, SignatureByAnotherKeyWithTheSameKidFails) {
  const PkeyPtr other = testing::generate_p256();
  expect_failure(verify_jwt(sign_token(other.get(), header_, id_token_claims()), keys_, expectations(), k_clock),
                 JwtFailure::bad_signature);
}

TEST_F(EsToken, AlgNoneIsRefused) {
  const std::string unsigned_token = crypto::base64url_encode(R"({"alg":"none"})") + "." +
                                     crypto::base64url_encode(json::serialize(id_token_claims())) + ".";
  expect_failure(verify_jwt(unsigned_token, keys_, expectations(), k_clock), JwtFailure::unsupported_alg);
}

TEST_F(EsToken, Hs256IsRefusedEvenWhenTheMacIsRight) {
  const std::string input = crypto::base64url_encode(R"({"alg":"HS256","kid":"ec-1"})") + "." +
                            crypto::base64url_encode(json::serialize(id_token_claims()));
  const std::string secret = "mcpedge-client-secret";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_length);
  const std::string token =
      input + "." + crypto::base64url_encode(std::string(reinterpret_cast<const char*>(mac), mac_length));
  expect_failure(verify_jwt(token, keys_, expectations(), k_clock), JwtFailure::unsupported_alg);
}

TEST_F(EsToken, UnknownKidIsReported) {
  header_["kid"] = "rotated-away";
  expect_failure(verify(id_token_claims()), JwtFailure::unknown_key);
}

TEST_F(EsToken, KidOfAnRsaKeyUnderEs256IsRefused) {
  keys_ = key_set({rsa_jwk(shared_rsa(), "ec-1")});
  expect_failure(verify(id_token_claims()), JwtFailure::unknown_key);
}

TEST_F(EsToken, WithoutKidTheOnlyFittingKeyIsUsed) {
  header_.erase("kid");
  keys_ = key_set({rsa_jwk(shared_rsa(), "rsa-1"), ec_jwk(shared_p256(), "ec-1")});
  EXPECT_TRUE(verify(id_token_claims()));
  const PkeyPtr second = testing::generate_p256();
  keys_ = key_set({ec_jwk(shared_p256(), "ec-1"), ec_jwk(second.get(), "ec-2")});
  expect_failure(verify(id_token_claims()), JwtFailure::unknown_key);
}

TEST_F(EsToken, MalformedTokensAreRefused) {
  const std::string token = sign_token(shared_p256(), header_, id_token_claims());
  expect_failure(verify_jwt("abc.def", keys_, expectations(), k_clock), JwtFailure::malformed);
  expect_failure(verify_jwt("a.b.c.d.e", keys_, expectations(), k_clock), JwtFailure::malformed);
  expect_failure(verify_jwt(token + "=", keys_, expectations(), k_clock), JwtFailure::malformed);
  expect_failure(verify_jwt(with_part(token, 2, ""), keys_, expectations(), k_clock), JwtFailure::malformed);
  expect_failure(
      verify_jwt(crypto::base64url_encode("[1]") + token.substr(token.find('.')), keys_, expectations(), k_clock),
      JwtFailure::malformed);
  expect_failure(verify_jwt(std::string(70000, 'a'), keys_, expectations(), k_clock), JwtFailure::malformed);
}

TEST_F(EsToken, CriticalHeaderExtensionsAreRefused) {
  header_["crit"] = json::array{"b64"};
  header_["b64"] = false;
  expect_failure(verify(id_token_claims()), JwtFailure::malformed);
}

TEST_F(EsToken, IssuerMustMatchExactly) {
  json::object claims = id_token_claims();
  claims["iss"] = "https://idp.example.com/";
  expect_failure(verify(claims), JwtFailure::wrong_issuer);
  claims.erase("iss");
  expect_failure(verify(claims), JwtFailure::wrong_issuer);
}

TEST_F(EsToken, AudienceMustIncludeTheClientId) {
  json::object claims = id_token_claims();
  claims["aud"] = "someone-else";
  expect_failure(verify(claims), JwtFailure::wrong_audience);
  claims.erase("aud");
  expect_failure(verify(claims), JwtFailure::wrong_audience);
  claims["aud"] = 5;
  expect_failure(verify(claims), JwtFailure::malformed);
}

TEST_F(EsToken, AudienceArrayNeedsAzpNamingTheClient) {
  json::object claims = id_token_claims();
  claims["aud"] = json::array{"https://api.example.com", "mcpedge-client"};
  expect_failure(verify(claims), JwtFailure::wrong_audience);  // several audiences, no azp
  claims["azp"] = "mcpedge-client";
  EXPECT_TRUE(verify(claims));
  claims["azp"] = "another-client";
  expect_failure(verify(claims), JwtFailure::wrong_audience);
  claims["aud"] = json::array{"https://api.example.com", "other"};
  claims["azp"] = "mcpedge-client";
  expect_failure(verify(claims), JwtFailure::wrong_audience);
  claims["aud"] = json::array{"mcpedge-client"};
  claims.erase("azp");
  EXPECT_TRUE(verify(claims));
}

TEST_F(EsToken, AccessTokenAudienceSkipsTheAzpRule) {
  json::object claims = id_token_claims();
  claims["aud"] = json::array{"https://api.example.com", "https://idp.example.com/userinfo"};
  claims["azp"] = "mcpedge-client";
  JwtExpectations e = expectations();
  e.audience = "https://api.example.com";
  expect_failure(verify(claims, e), JwtFailure::wrong_audience);
  e.check_azp = false;
  EXPECT_TRUE(verify(claims, e));
}

TEST_F(EsToken, ExpiredTokenFailsUnlessWithinLeeway) {
  json::object claims = id_token_claims();
  claims["exp"] = k_now - 30;
  expect_failure(verify(claims), JwtFailure::expired);
  claims["exp"] = k_now;  // RFC 7519 §4.1.4: on or after exp it is expired
  expect_failure(verify(claims), JwtFailure::expired);
  JwtExpectations lenient = expectations();
  lenient.leeway = std::chrono::seconds(60);
  claims["exp"] = k_now - 30;
  EXPECT_TRUE(verify(claims, lenient));
  claims["exp"] = k_now - 61;
  expect_failure(verify(claims, lenient), JwtFailure::expired);
}

TEST_F(EsToken, ExpIsRequiredAndNumeric) {
  json::object claims = id_token_claims();
  claims["exp"] = "tomorrow";
  expect_failure(verify(claims), JwtFailure::malformed);
  claims.erase("exp");
  expect_failure(verify(claims), JwtFailure::malformed);
  claims["exp"] = static_cast<double>(k_now) + 0.5 + 300;  // fractional NumericDate
  EXPECT_TRUE(verify(claims));
  claims["exp"] = std::numeric_limits<std::uint64_t>::max();
  EXPECT_TRUE(verify(claims));
}

TEST_F(EsToken, TokensFromTheFutureAreNotYetValid) {
  json::object claims = id_token_claims();
  claims["nbf"] = k_now + 120;
  expect_failure(verify(claims), JwtFailure::not_yet_valid);
  JwtExpectations lenient = expectations();
  lenient.leeway = std::chrono::seconds(180);
  EXPECT_TRUE(verify(claims, lenient));
  claims.erase("nbf");
  claims["iat"] = k_now + 120;
  expect_failure(verify(claims), JwtFailure::not_yet_valid);
}

TEST_F(EsToken, NonceMustMatchWhenOneWasSent) {
  JwtExpectations e = expectations();
  e.nonce = "n-0S6_WzA2Mj";
  json::object claims = id_token_claims();
  expect_failure(verify(claims, e), JwtFailure::nonce_mismatch);
  claims["nonce"] = "n-0S6_WzA2Mk";
  expect_failure(verify(claims, e), JwtFailure::nonce_mismatch);
  claims["nonce"] = "n-0S6_WzA2Mj";
  EXPECT_TRUE(verify(claims, e));
  EXPECT_TRUE(verify(claims));  // a nonce nobody asked for is ignored
}

TEST(Jwt, FailureWordsAreStable) {
  EXPECT_STREQ(to_string(JwtFailure::malformed), "malformed");
  EXPECT_STREQ(to_string(JwtFailure::unsupported_alg), "unsupported_alg");
  EXPECT_STREQ(to_string(JwtFailure::unknown_key), "unknown_key");
  EXPECT_STREQ(to_string(JwtFailure::bad_signature), "bad_signature");
  EXPECT_STREQ(to_string(JwtFailure::wrong_issuer), "wrong_issuer");
  EXPECT_STREQ(to_string(JwtFailure::wrong_audience), "wrong_audience");
  EXPECT_STREQ(to_string(JwtFailure::expired), "expired");
  EXPECT_STREQ(to_string(JwtFailure::not_yet_valid), "not_yet_valid");
  EXPECT_STREQ(to_string(JwtFailure::nonce_mismatch), "nonce_mismatch");
}

}  // namespace
}  // namespace mcpedge::identity
