// Test-only IdP: fresh RSA / EC P-256 keys, their JWK form, and compact JWS tokens signed with them.
#pragma once

#include "crypto/encoding.hpp"
#include "identity/openssl_handles.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>

#include <boost/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace mcpedge::identity::testing {

inline PkeyPtr generate_rsa(std::size_t bits = 2048) {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
  if (!key) throw std::runtime_error("RSA key generation failed");
  return key;
}

inline PkeyPtr generate_p256() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw std::runtime_error("EC key generation failed");
  return key;
}

// Key generation per test process: RSA-2048 takes a noticeable moment, so each is made once.
inline EVP_PKEY* shared_rsa() {
  static const PkeyPtr key = generate_rsa();
  return key.get();
}
inline EVP_PKEY* shared_p256() {
  static const PkeyPtr key = generate_p256();
  return key.get();
}

inline std::string bn_param(const EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) throw std::runtime_error(std::string("no key parameter ") + name);
  BignumPtr bn(raw);
  std::string out(pad_to > 0 ? static_cast<std::size_t>(pad_to) : static_cast<std::size_t>(BN_num_bytes(bn.get())),
                  '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  if (pad_to > 0) {
    BN_bn2binpad(bn.get(), p, pad_to);
  } else {
    BN_bn2bin(bn.get(), p);
  }
  return out;
}

inline boost::json::object rsa_jwk(const EVP_PKEY* key, std::string_view kid) {
  boost::json::object jwk{{"kty", "RSA"},
                          {"n", crypto::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_RSA_N))},
                          {"e", crypto::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_RSA_E))}};
  if (!kid.empty()) jwk["kid"] = kid;
  return jwk;
}

inline boost::json::object ec_jwk(const EVP_PKEY* key, std::string_view kid) {
  boost::json::object jwk{{"kty", "EC"},
                          {"crv", "P-256"},
                          {"x", crypto::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
                          {"y", crypto::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
  if (!kid.empty()) jwk["kid"] = kid;
  return jwk;
}

inline std::string jwks_text(std::initializer_list<boost::json::object> keys) {
  boost::json::array list;
  for (const auto& k : keys) list.push_back(k);
  return boost::json::serialize(boost::json::object{{"keys", list}});
}

// The signature EVP_DigestSign makes: PKCS#1 v1.5, PSS (salt = digest length) or DER ECDSA.
inline std::string evp_sign(EVP_PKEY* key, std::string_view alg, std::string_view input) {
  char pad_mode[] = OSSL_PKEY_RSA_PAD_MODE_PSS;
  char salt_length[] = OSSL_PKEY_RSA_PSS_SALT_LEN_DIGEST;
  const OSSL_PARAM pss[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, pad_mode, 0),
      OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, salt_length, 0),
      OSSL_PARAM_construct_end(),
  };
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const auto* tbs = reinterpret_cast<const unsigned char*>(input.data());
  std::size_t length = 0;
  if (EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, alg == "PS256" ? pss : nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, tbs, input.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign setup failed");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, tbs, input.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign failed");
  }
  signature.resize(length);
  return signature;
}

// RFC 7518 §3.4: JWS carries ECDSA signatures as R || S, 32 bytes each, not DER.
inline std::string der_to_raw(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG_free>> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) throw std::runtime_error("not a DER ECDSA signature");
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  return raw;
}

// header.payload.signature with the given header and claims, signed as `alg` says.
inline std::string sign_token(EVP_PKEY* key, const boost::json::object& header, const boost::json::object& claims) {
  const std::string alg(header.at("alg").as_string());
  const std::string input = crypto::base64url_encode(boost::json::serialize(header)) + "." +
                            crypto::base64url_encode(boost::json::serialize(claims));
  std::string signature = evp_sign(key, alg, input);
  if (alg == "ES256") signature = der_to_raw(signature);
  return input + "." + crypto::base64url_encode(signature);
}

}  // namespace mcpedge::identity::testing
