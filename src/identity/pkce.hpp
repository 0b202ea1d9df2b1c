// mcpedge's own PKCE pair on the upstream leg (RFC 7636, S256 only) and the verifier check.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mcpedge::identity {

// RFC 7636 §4.1: a verifier is 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
constexpr std::size_t k_min_verifier_length = 43;
constexpr std::size_t k_max_verifier_length = 128;

struct PkcePair {
  std::string verifier;   // kept server-side (sealed into the upstream state)
  std::string challenge;  // sent on the authorization request with code_challenge_method=S256
};

// A fresh verifier of `length` unreserved characters from the CSPRNG (the default carries 256 bits,
// RFC 7636 §4.1's recommendation) and its S256 challenge. A length outside 43..128 is a bug and throws
// std::invalid_argument.
PkcePair make_pkce_pair(std::size_t length = k_min_verifier_length);

// RFC 7636 §4.1 syntax.
bool is_valid_verifier(std::string_view verifier);
// An S256 challenge: BASE64URL(SHA256(verifier)), i.e. exactly 43 base64url characters (§4.2).
bool is_valid_s256_challenge(std::string_view challenge);

// BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) (RFC 7636 §4.2).
std::string s256_challenge(std::string_view verifier);

// RFC 7636 §4.6: true when the verifier is well-formed and its S256 challenge equals `challenge`;
// the comparison takes the same time wherever the two differ.
bool verify_s256(std::string_view verifier, std::string_view challenge);

}  // namespace mcpedge::identity
