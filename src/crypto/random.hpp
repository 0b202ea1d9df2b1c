// Cryptographically secure random bytes and tokens (OpenSSL's CSPRNG).
#pragma once

#include <cstddef>
#include <string>

namespace mcpedge::crypto {

std::string random_bytes(std::size_t n);
// n random bytes for values that must never repeat but need not stay secret: AEAD nonces. Served from
// a per-thread block that RAND_bytes fills 1 KiB at a time, so a nonce costs a copy instead of a
// RAND_bytes call (about 6,700 instructions in OpenSSL 3, its fork check and DRBG included). After
// fork() the child starts with an empty block, or parent and child would hand out the same bytes.
// Secrets (keys, tokens) come from random_bytes: none waits in memory before it is used.
std::string random_nonce(std::size_t n);
// n random bytes as base64url, e.g. for opaque identifiers and refresh tokens.
std::string random_token(std::size_t n = 32);

}  // namespace mcpedge::crypto
