// The upstream IdP's signing keys: a JWK Set (RFC 7517) parsed into OpenSSL verification keys.
#pragma once

#include "base/expected.hpp"

#include <openssl/types.h>

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::identity {

enum class KeyType { rsa, ec_p256 };

// One public key usable for verifying JWS signatures. Copies share the OpenSSL key, which is
// read-only after parsing and safe to use from several threads at once.
struct VerificationKey {
  std::string kid;  // empty when the JWK has none
  std::string alg;  // empty when the JWK does not pin an algorithm
  std::string use;  // "sig" or empty
  KeyType type = KeyType::rsa;
  std::shared_ptr<EVP_PKEY> pkey;

  // Whether this key may check a signature made with `jws_alg` (RS256, PS256, ES256): the key type
  // must fit the algorithm and a pinned `alg` must name it (RFC 7517 §4.4).
  bool fits(std::string_view jws_alg) const;
};

// A key of the set that mcpedge cannot or must not use, kept so that start-up can log why.
struct SkippedKey {
  std::string kid;
  std::string reason;  // e.g. `kty "oct" is not supported`, `use is "enc", not "sig"`
};

struct JwkSet {
  std::vector<VerificationKey> keys;
  std::vector<SkippedKey> skipped;
};

struct JwksError {
  std::string message;  // what is wrong with the document and what to do
};

// Parses `{"keys": [...]}`. RSA (n, e; at least 2048 bits, RFC 7518 §3.3) and EC P-256 (x, y) keys
// are kept; keys with `use` other than "sig", with `key_ops` lacking "verify", or of another type,
// curve or algorithm land in `skipped`. A document without any usable key is an error.
Expected<JwkSet, JwksError> parse_jwks(std::string_view json_text);
Expected<JwkSet, JwksError> parse_jwks(const boost::json::object& document);

// One JWK; the error is the reason it cannot be used.
Expected<VerificationKey, std::string> parse_jwk(const boost::json::object& jwk);

}  // namespace mcpedge::identity
