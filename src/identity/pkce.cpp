// mcpedge's own PKCE pair on the upstream leg (RFC 7636, S256 only) and the verifier check.
#include "identity/pkce.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

#include <algorithm>
#include <stdexcept>

namespace mcpedge::identity {
namespace {

constexpr std::size_t k_s256_challenge_length = 43;  // 32 bytes of SHA-256, base64url without padding

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

}  // namespace

PkcePair make_pkce_pair(std::size_t length) {
  if (length < k_min_verifier_length || length > k_max_verifier_length) {
    throw std::invalid_argument("a PKCE verifier is 43 to 128 characters long (RFC 7636 §4.1)");
  }
  // base64url characters are all unreserved; each carries 6 random bits, so 3 bytes make 4 characters.
  std::string verifier = crypto::random_token((length * 3 + 3) / 4);
  verifier.resize(length);
  std::string challenge = s256_challenge(verifier);
  return PkcePair{std::move(verifier), std::move(challenge)};
}

bool is_valid_verifier(std::string_view verifier) {
  return verifier.size() >= k_min_verifier_length && verifier.size() <= k_max_verifier_length &&
         std::all_of(verifier.begin(), verifier.end(), is_unreserved);
}

bool is_valid_s256_challenge(std::string_view challenge) {
  if (challenge.size() != k_s256_challenge_length) return false;
  const auto decoded = crypto::base64url_decode(challenge);
  return decoded.has_value() && decoded->size() == 32;
}

std::string s256_challenge(std::string_view verifier) { return crypto::base64url_encode(crypto::sha256(verifier)); }

bool verify_s256(std::string_view verifier, std::string_view challenge) {
  if (!is_valid_verifier(verifier)) return false;
  return crypto::constant_time_equal(s256_challenge(verifier), challenge);
}

}  // namespace mcpedge::identity
