// Verification of the IdP's signed tokens (compact JWS, RFC 7515/7519): id_tokens and JWT access tokens.
#pragma once

#include "base/expected.hpp"
#include "identity/jwks.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mcpedge::identity {

// Why a token was refused; the word is what logs and metrics carry.
enum class JwtFailure {
  malformed,        // not three base64url parts of JSON, or a claim of the wrong type
  unsupported_alg,  // "none", HS*, anything but RS256 / PS256 / ES256
  unknown_key,      // no key of the set fits the header's kid and alg
  bad_signature,
  wrong_issuer,
  wrong_audience,  // aud lacks the client_id, or azp names another party
  expired,
  not_yet_valid,  // nbf or iat in the future
  nonce_mismatch,
};

const char* to_string(JwtFailure reason);

struct JwtError {
  JwtFailure reason;
  std::string message;  // for the operator: what was wrong, e.g. `iss "https://a" is not "https://b"`
};

struct JwtExpectations {
  std::string issuer;                // exact, byte for byte (the discovered issuer)
  std::string audience;              // mcpedge's client_id at the IdP (or the API identifier for access tokens)
  std::optional<std::string> nonce;  // the nonce sent on the authorization request, if any
  std::chrono::seconds leeway{60};   // clock skew tolerated on exp, nbf and iat
  // OpenID Connect Core §3.1.3.7 (3-5): with several audiences azp must be present, and a present azp
  // must equal the client_id. Off for RFC 9068 access tokens, where azp names the client, not the API.
  bool check_azp = true;
};

// Verifies the signature with a key of `keys` (by kid; without a kid, the only key that fits the
// algorithm), then the claims: iss, aud (+ azp), exp (required), nbf, iat, nonce. On success returns
// the claims. The clock is a parameter so that callers and tests decide what "now" is.
Expected<boost::json::object, JwtError> verify_jwt(std::string_view token, const JwkSet& keys,
                                                   const JwtExpectations& expected,
                                                   std::chrono::system_clock::time_point now);
Expected<boost::json::object, JwtError> verify_jwt(std::string_view token, const JwkSet& keys,
                                                   const JwtExpectations& expected);

}  // namespace mcpedge::identity
