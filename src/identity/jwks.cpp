// The upstream IdP's signing keys: a JWK Set (RFC 7517) parsed into OpenSSL verification keys.
#include "identity/jwks.hpp"

#include "crypto/encoding.hpp"
#include "identity/openssl_handles.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <new>
#include <optional>
#include <utility>

namespace mcpedge::identity {
namespace {

namespace json = boost::json;

using KeyResult = Expected<VerificationKey, std::string>;

// RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms."
constexpr int k_min_rsa_bits = 2048;
constexpr std::size_t k_p256_coordinate_bytes = 32;

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A member that must be a string when present: nullopt when absent, an error when of another type.
Expected<std::optional<std::string>, std::string> optional_string(const json::object& jwk, std::string_view name) {
  const json::value* v = jwk.if_contains(name);
  if (v == nullptr) return std::optional<std::string>{};
  if (!v->is_string()) return Unexpected{std::string(name) + " is not a string"};
  return std::optional<std::string>{std::string(v->get_string())};
}

// A required base64url member (RFC 7518 §6: Base64urlUInt and coordinates), decoded.
Expected<std::string, std::string> required_bytes(const json::object& jwk, std::string_view name) {
  auto text = optional_string(jwk, name);
  if (!text) return Unexpected{text.error()};
  if (!text->has_value()) return Unexpected{"member " + std::string(name) + " is missing"};
  auto bytes = crypto::base64url_decode(**text);
  if (!bytes || bytes->empty()) return Unexpected{"member " + std::string(name) + " is not base64url"};
  return std::move(*bytes);
}

// Turns parameters into a public key and lets OpenSSL check it (RSA: SP 800-56B public key
// checks; EC: the point lies on the curve).
Expected<PkeyPtr, std::string> public_key_from(const char* type, ParamBuildPtr& build) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(build.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return Unexpected{std::string("OpenSSL rejects the ") + type + " key parameters"};
  }
  PkeyPtr key(raw);
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    return Unexpected{std::string("the ") + type + " public key fails OpenSSL's validity check"};
  }
  return key;
}

Expected<PkeyPtr, std::string> rsa_key(const json::object& jwk) {
  auto n = required_bytes(jwk, "n");
  if (!n) return Unexpected{n.error()};
  auto e = required_bytes(jwk, "e");
  if (!e) return Unexpected{e.error()};
  BignumPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
  BignumPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
  if (!bn_n || !bn_e) throw std::bad_alloc();
  if (const int bits = BN_num_bits(bn_n.get()); bits < k_min_rsa_bits) {
    return Unexpected{"RSA key of " + std::to_string(bits) + " bits is too small (RFC 7518 §3.3 requires 2048)"};
  }
  ParamBuildPtr build(OSSL_PARAM_BLD_new());
  if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    throw std::bad_alloc();
  }
  return public_key_from("RSA", build);
}

Expected<PkeyPtr, std::string> ec_p256_key(const json::object& jwk) {
  auto crv = optional_string(jwk, "crv");
  if (!crv) return Unexpected{crv.error()};
  if (!crv->has_value()) return Unexpected{std::string("member crv is missing")};
  if (**crv != "P-256") return Unexpected{"crv " + quoted(**crv) + " is not supported (P-256 is)"};
  auto x = required_bytes(jwk, "x");
  if (!x) return Unexpected{x.error()};
  auto y = required_bytes(jwk, "y");
  if (!y) return Unexpected{y.error()};
  // RFC 7518 §6.2.1.2: each coordinate is the full 32 bytes, leading zeros included.
  if (x->size() != k_p256_coordinate_bytes || y->size() != k_p256_coordinate_bytes) {
    return Unexpected{std::string("P-256 coordinates x and y must be 32 bytes each")};
  }
  const std::string point = '\x04' + *x + *y;  // SEC 1 §2.3.3 uncompressed point
  ParamBuildPtr build(OSSL_PARAM_BLD_new());
  if (!build || OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, SN_X9_62_prime256v1, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    throw std::bad_alloc();
  }
  return public_key_from("EC", build);
}

bool is_supported_alg(std::string_view alg) { return alg == "RS256" || alg == "PS256" || alg == "ES256"; }

}  // namespace

bool VerificationKey::fits(std::string_view jws_alg) const {
  if (!alg.empty() && alg != jws_alg) return false;
  switch (type) {
    case KeyType::rsa:
      return jws_alg == "RS256" || jws_alg == "PS256";
    case KeyType::ec_p256:
      return jws_alg == "ES256";
  }
  return false;
}

KeyResult parse_jwk(const json::object& jwk) {
  VerificationKey key;
  for (auto [member, field] : {std::pair{"kid", &key.kid}, std::pair{"alg", &key.alg}, std::pair{"use", &key.use}}) {
    auto value = optional_string(jwk, member);
    if (!value) return Unexpected{value.error()};
    *field = value->value_or("");
  }
  // RFC 7517 §4.2, §4.3: a key meant for encryption must not verify signatures.
  if (!key.use.empty() && key.use != "sig") return Unexpected{"use is " + quoted(key.use) + ", not \"sig\""};
  if (const json::value* ops = jwk.if_contains("key_ops")) {
    const json::array* list = ops->if_array();
    if (list == nullptr) return Unexpected{std::string("key_ops is not an array")};
    if (std::find(list->begin(), list->end(), json::value("verify")) == list->end()) {
      return Unexpected{std::string("key_ops does not include \"verify\"")};
    }
  }
  if (!key.alg.empty() && !is_supported_alg(key.alg)) {
    return Unexpected{"alg " + quoted(key.alg) + " is not supported (RS256, PS256 and ES256 are)"};
  }
  auto kty = optional_string(jwk, "kty");
  if (!kty) return Unexpected{kty.error()};
  if (!kty->has_value()) return Unexpected{std::string("member kty is missing")};
  if (**kty == "RSA") {
    key.type = KeyType::rsa;
  } else if (**kty == "EC") {
    key.type = KeyType::ec_p256;
  } else {
    return Unexpected{"kty " + quoted(**kty) + " is not supported (RSA and EC P-256 are)"};
  }
  if (!key.alg.empty() && !key.fits(key.alg)) {
    return Unexpected{"alg " + quoted(key.alg) + " does not fit a key of kty " + quoted(**kty)};
  }
  auto pkey = key.type == KeyType::rsa ? rsa_key(jwk) : ec_p256_key(jwk);
  if (!pkey) return Unexpected{std::move(pkey.error())};
  key.pkey = std::shared_ptr<EVP_PKEY>(pkey->release(), EVP_PKEY_free);
  return key;
}

Expected<JwkSet, JwksError> parse_jwks(const json::object& document) {
  const json::value* keys = document.if_contains("keys");
  if (keys == nullptr || !keys->is_array()) {
    return Unexpected{JwksError{"the JWKS has no \"keys\" array (RFC 7517 §5)"}};
  }
  JwkSet set;
  for (const json::value& entry : keys->get_array()) {
    const json::object* jwk = entry.if_object();
    if (jwk == nullptr) {
      set.skipped.push_back({"", "the entry is not a JSON object"});
      continue;
    }
    KeyResult key = parse_jwk(*jwk);
    if (key) {
      set.keys.push_back(std::move(*key));
      continue;
    }
    const json::value* kid = jwk->if_contains("kid");
    set.skipped.push_back({kid != nullptr && kid->is_string() ? std::string(kid->get_string()) : "", key.error()});
  }
  if (set.keys.empty()) {
    std::string message = "the JWKS has no usable signing key";
    for (const SkippedKey& s : set.skipped) message += "; key " + quoted(s.kid) + ": " + s.reason;
    message += "; check the IdP's jwks_uri and that it signs tokens with RS256, PS256 or ES256";
    return Unexpected{JwksError{std::move(message)}};
  }
  return set;
}

Expected<JwkSet, JwksError> parse_jwks(std::string_view json_text) {
  boost::system::error_code ec;
  json::value document = json::parse(json_text, ec);
  if (ec) return Unexpected{JwksError{"the JWKS is not valid JSON: " + ec.message()}};
  if (!document.is_object()) return Unexpected{JwksError{"the JWKS is not a JSON object (RFC 7517 §5)"}};
  return parse_jwks(document.get_object());
}

}  // namespace mcpedge::identity
