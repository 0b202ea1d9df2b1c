// Cryptographically secure random bytes and tokens (OpenSSL's CSPRNG).
#pragma once

#include <cstddef>
#include <string>

namespace mcpedge::crypto {

std::string random_bytes(std::size_t n);
// n random bytes as base64url, e.g. for opaque identifiers and refresh tokens.
std::string random_token(std::size_t n = 32);

}  // namespace mcpedge::crypto
