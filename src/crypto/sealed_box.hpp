// Sealed boxes: AEAD (AES-256-GCM) over a payload, with an expiry and a purpose-bound key.
#pragma once

#include "base/expected.hpp"
#include "crypto/key_ring.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace mcpedge::crypto {

enum class OpenError { malformed, unknown_key, forged, expired };
const char* to_string(OpenError error);

// Wire form: base64url( version(1) | key id(1) | nonce(12) | ciphertext | tag(16) ), where the
// plaintext is expiry (8 bytes, seconds since epoch, big-endian) followed by the payload, and the
// purpose byte is authenticated as associated data.
std::string seal(const KeyRing& keys, Purpose purpose, std::string_view payload,
                 std::chrono::system_clock::time_point expires_at);

Expected<std::string, OpenError> open(const KeyRing& keys, Purpose purpose, std::string_view sealed,
                                      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace mcpedge::crypto
