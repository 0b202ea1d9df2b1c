// Verification of the IdP's signed tokens (compact JWS, RFC 7515/7519): id_tokens and JWT access tokens.
#include "identity/jwt.hpp"

#include "crypto/encoding.hpp"
#include "identity/openssl_handles.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <new>
#include <utility>
#include <vector>

namespace mcpedge::identity {
namespace {

namespace json = boost::json;

template <class T>
using Result = Expected<T, JwtError>;

constexpr std::size_t k_max_token_bytes = 64 * 1024;
constexpr std::size_t k_es256_signature_bytes = 64;  // RFC 7518 §3.4: R || S, 32 bytes each
constexpr std::size_t k_shown_chars = 80;

Unexpected<JwtError> fail(JwtFailure reason, std::string message) {
  return Unexpected{JwtError{reason, std::move(message)}};
}

// A token's own text in a message: quoted, and cut short so that a hostile token cannot flood logs.
std::string shown(std::string_view text) {
  if (text.size() > k_shown_chars) return "\"" + std::string(text.substr(0, k_shown_chars)) + "…\"";
  return "\"" + std::string(text) + "\"";
}

struct Parts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // header "." payload, as sent (RFC 7515 §5.2)
};

Result<Parts> split(std::string_view token) {
  if (token.size() > k_max_token_bytes) return fail(JwtFailure::malformed, "the token is larger than 64 KiB");
  const auto dots = std::count(token.begin(), token.end(), '.');
  if (dots == 4) return fail(JwtFailure::malformed, "the token is encrypted (JWE), which mcpedge does not accept");
  if (dots != 2) return fail(JwtFailure::malformed, "the token is not three dot-separated parts (compact JWS)");
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  Parts parts{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1),
              token.substr(0, second)};
  if (parts.header.empty() || parts.payload.empty()) {
    return fail(JwtFailure::malformed, "the token's header or payload part is empty");
  }
  return parts;
}

Result<json::object> decode_object(std::string_view part, std::string_view what) {
  auto bytes = crypto::base64url_decode(part);
  if (!bytes) return fail(JwtFailure::malformed, "the token's " + std::string(what) + " is not base64url");
  boost::system::error_code ec;
  json::value value = json::parse(*bytes, ec);
  if (ec || !value.is_object()) {
    return fail(JwtFailure::malformed, "the token's " + std::string(what) + " is not a JSON object");
  }
  return std::move(value.get_object());
}

struct Header {
  std::string alg;
  std::optional<std::string> kid;
};

Result<Header> check_header(const json::object& header) {
  const json::value* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return fail(JwtFailure::malformed, "the token header has no alg");
  Header out{std::string(alg->get_string()), std::nullopt};
  if (out.alg == "none") return fail(JwtFailure::unsupported_alg, "alg \"none\" (an unsigned token) is refused");
  if (out.alg != "RS256" && out.alg != "PS256" && out.alg != "ES256") {
    return fail(JwtFailure::unsupported_alg,
                "alg " + shown(out.alg) + " is refused; mcpedge verifies RS256, PS256 and ES256 signatures");
  }
  // RFC 7515 §4.1.11: extensions named in crit must be understood; mcpedge understands none.
  if (header.contains("crit")) {
    return fail(JwtFailure::malformed, "the token header lists critical extensions (crit), none of them supported");
  }
  if (const json::value* kid = header.if_contains("kid")) {
    if (!kid->is_string()) return fail(JwtFailure::malformed, "the token header's kid is not a string");
    out.kid = std::string(kid->get_string());
  }
  return out;
}

Result<const VerificationKey*> select_key(const JwkSet& keys, const Header& header) {
  if (header.kid) {
    bool kid_known = false;
    for (const VerificationKey& key : keys.keys) {
      if (key.kid != *header.kid) continue;
      if (key.fits(header.alg)) return &key;
      kid_known = true;
    }
    if (kid_known) {
      return fail(JwtFailure::unknown_key, "key " + shown(*header.kid) + " of the IdP's JWKS is not for " + header.alg);
    }
    return fail(JwtFailure::unknown_key,
                "no key with kid " + shown(*header.kid) + " in the IdP's JWKS (were its keys rotated?)");
  }
  std::vector<const VerificationKey*> fitting;
  for (const VerificationKey& key : keys.keys) {
    if (key.fits(header.alg)) fitting.push_back(&key);
  }
  if (fitting.size() == 1) return fitting.front();
  if (fitting.empty()) return fail(JwtFailure::unknown_key, "no key in the IdP's JWKS is for " + header.alg);
  return fail(JwtFailure::unknown_key, "the token has no kid and " + std::to_string(fitting.size()) +
                                           " keys in the IdP's JWKS are for " + header.alg);
}

// RFC 7518 §3.4 sends R || S; OpenSSL verifies the DER SEQUENCE { r INTEGER, s INTEGER }.
std::optional<std::string> ecdsa_raw_to_der(std::string_view raw) {
  if (raw.size() != k_es256_signature_bytes) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  const int half = static_cast<int>(k_es256_signature_bytes / 2);
  std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG_free>> sig(ECDSA_SIG_new());
  BignumPtr r(BN_bin2bn(bytes, half, nullptr));
  BignumPtr s(BN_bin2bn(bytes + half, half, nullptr));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) throw std::bad_alloc();
  r.release();  // owned by sig now
  s.release();
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) throw std::bad_alloc();
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_ECDSA_SIG(sig.get(), &out);
  return der;
}

bool signature_matches(const VerificationKey& key, std::string_view alg, std::string_view signing_input,
                       std::string signature) {
  if (alg == "ES256") {
    auto der = ecdsa_raw_to_der(signature);
    if (!der) return false;
    signature = std::move(*der);
  } else if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey.get()))) {
    return false;  // RFC 8017 §8.2.2 step 1: an RSA signature is exactly as long as the modulus
  }
  // RFC 7518 §3.5: PS256 is RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt.
  char pad_mode[] = OSSL_PKEY_RSA_PAD_MODE_PSS;
  char salt_length[] = OSSL_PKEY_RSA_PSS_SALT_LEN_DIGEST;
  char mgf1_digest[] = "SHA256";
  const OSSL_PARAM pss[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, pad_mode, 0),
      OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, salt_length, 0),
      OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, mgf1_digest, 0),
      OSSL_PARAM_construct_end(),
  };
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::bad_alloc();
  const bool ok =
      EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key.pkey.get(),
                              alg == "PS256" ? pss : nullptr) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  ERR_clear_error();  // a failed verification leaves its reasons on the thread's OpenSSL error queue
  return ok;
}

// RFC 7519 §2 NumericDate: seconds since the epoch, possibly fractional; nullopt when absent.
Result<std::optional<std::int64_t>> numeric_date(const json::object& claims, std::string_view name) {
  const json::value* v = claims.if_contains(name);
  if (v == nullptr) return std::optional<std::int64_t>{};
  if (v->is_int64()) return std::optional<std::int64_t>{v->get_int64()};
  constexpr auto k_max = std::numeric_limits<std::int64_t>::max();
  if (v->is_uint64())
    return std::optional<std::int64_t>{static_cast<std::int64_t>(std::min<std::uint64_t>(v->get_uint64(), k_max))};
  if (v->is_double()) {
    const double d = v->get_double();
    if (d >= 9.2e18) return std::optional<std::int64_t>{k_max};
    if (d <= -9.2e18) return std::optional<std::int64_t>{std::numeric_limits<std::int64_t>::min()};
    return std::optional<std::int64_t>{static_cast<std::int64_t>(d)};
  }
  return fail(JwtFailure::malformed, "claim " + std::string(name) + " is not a number (RFC 7519 NumericDate)");
}

Result<bool> check_times(const json::object& claims, std::int64_t now, std::int64_t leeway) {
  auto exp = numeric_date(claims, "exp");
  if (!exp) return Unexpected{exp.error()};
  if (!exp->has_value()) return fail(JwtFailure::malformed, "the token has no exp claim");
  // RFC 7519 §4.1.4: valid only before exp; written without `exp + leeway`, which could overflow.
  if (now - leeway >= **exp) {
    return fail(JwtFailure::expired, "the token expired at " + std::to_string(**exp) + ", now is " +
                                         std::to_string(now) + " (leeway " + std::to_string(leeway) + " s)");
  }
  for (const char* name : {"nbf", "iat"}) {
    auto at = numeric_date(claims, name);
    if (!at) return Unexpected{at.error()};
    if (at->has_value() && **at - leeway > now) {
      return fail(JwtFailure::not_yet_valid, std::string(name) + " is " + std::to_string(**at) +
                                                 ", in the future (now " + std::to_string(now) + ", leeway " +
                                                 std::to_string(leeway) + " s)");
    }
  }
  return true;
}

Result<bool> check_audience(const json::object& claims, const JwtExpectations& expected) {
  const json::value* aud = claims.if_contains("aud");
  std::vector<std::string_view> audiences;
  if (aud != nullptr && aud->is_string()) {
    audiences.push_back(aud->get_string());
  } else if (aud != nullptr && aud->is_array()) {
    for (const json::value& item : aud->get_array()) {
      if (!item.is_string()) return fail(JwtFailure::malformed, "claim aud holds a value that is not a string");
      audiences.push_back(item.get_string());
    }
  } else if (aud != nullptr) {
    return fail(JwtFailure::malformed, "claim aud is neither a string nor an array of strings");
  }
  if (std::find(audiences.begin(), audiences.end(), expected.audience) == audiences.end()) {
    return fail(JwtFailure::wrong_audience, "the token's aud does not include " + shown(expected.audience));
  }
  if (!expected.check_azp) return true;
  const json::value* azp = claims.if_contains("azp");
  if (azp == nullptr) {
    if (audiences.size() == 1) return true;
    return fail(JwtFailure::wrong_audience, "the token names several audiences but no azp (OIDC Core §3.1.3.7)");
  }
  if (!azp->is_string()) return fail(JwtFailure::malformed, "claim azp is not a string");
  if (azp->get_string() != expected.audience) {
    return fail(JwtFailure::wrong_audience,
                "azp " + shown(azp->get_string()) + " is not " + shown(expected.audience) + " (OIDC Core §3.1.3.7)");
  }
  return true;
}

Result<bool> check_claims(const json::object& claims, const JwtExpectations& expected,
                          std::chrono::system_clock::time_point now) {
  const json::value* iss = claims.if_contains("iss");
  if (iss == nullptr || !iss->is_string()) return fail(JwtFailure::wrong_issuer, "the token has no iss claim");
  if (iss->get_string() != expected.issuer) {
    return fail(JwtFailure::wrong_issuer,
                "iss " + shown(iss->get_string()) + " is not the IdP's issuer " + shown(expected.issuer));
  }
  if (auto aud = check_audience(claims, expected); !aud) return aud;
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (auto times = check_times(claims, now_s, expected.leeway.count()); !times) return times;
  if (expected.nonce) {
    const json::value* nonce = claims.if_contains("nonce");
    if (nonce == nullptr) return fail(JwtFailure::nonce_mismatch, "the token has no nonce, but one was sent");
    if (!nonce->is_string()) return fail(JwtFailure::malformed, "claim nonce is not a string");
    if (!crypto::constant_time_equal(nonce->get_string(), *expected.nonce)) {
      return fail(JwtFailure::nonce_mismatch, "the token's nonce is not the one sent with the authorization request");
    }
  }
  return true;
}

}  // namespace

const char* to_string(JwtFailure reason) {
  switch (reason) {
    case JwtFailure::malformed:
      return "malformed";
    case JwtFailure::unsupported_alg:
      return "unsupported_alg";
    case JwtFailure::unknown_key:
      return "unknown_key";
    case JwtFailure::bad_signature:
      return "bad_signature";
    case JwtFailure::wrong_issuer:
      return "wrong_issuer";
    case JwtFailure::wrong_audience:
      return "wrong_audience";
    case JwtFailure::expired:
      return "expired";
    case JwtFailure::not_yet_valid:
      return "not_yet_valid";
    case JwtFailure::nonce_mismatch:
      return "nonce_mismatch";
  }
  return "malformed";
}

Expected<json::object, JwtError> verify_jwt(std::string_view token, const JwkSet& keys, const JwtExpectations& expected,
                                            std::chrono::system_clock::time_point now) {
  auto parts = split(token);
  if (!parts) return Unexpected{std::move(parts.error())};
  auto header_json = decode_object(parts->header, "header");
  if (!header_json) return Unexpected{std::move(header_json.error())};
  auto header = check_header(*header_json);
  if (!header) return Unexpected{std::move(header.error())};
  auto key = select_key(keys, *header);
  if (!key) return Unexpected{std::move(key.error())};
  auto signature = crypto::base64url_decode(parts->signature);
  if (!signature || signature->empty()) return fail(JwtFailure::malformed, "the token's signature is not base64url");
  if (!signature_matches(**key, header->alg, parts->signing_input, std::move(*signature))) {
    return fail(JwtFailure::bad_signature,
                "the token's " + header->alg + " signature does not verify with key " + shown((*key)->kid));
  }
  // The payload is parsed only once the signature has proven who wrote it.
  auto claims = decode_object(parts->payload, "payload");
  if (!claims) return Unexpected{std::move(claims.error())};
  if (auto checked = check_claims(*claims, expected, now); !checked) return Unexpected{std::move(checked.error())};
  return std::move(*claims);
}

Expected<json::object, JwtError> verify_jwt(std::string_view token, const JwkSet& keys,
                                            const JwtExpectations& expected) {
  return verify_jwt(token, keys, expected, std::chrono::system_clock::now());
}

}  // namespace mcpedge::identity
