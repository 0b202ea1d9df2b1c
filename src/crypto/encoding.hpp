// Byte encodings and digests: base64 / base64url, hex, SHA-256, constant-time comparison.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcpedge::crypto {

std::string base64_encode(std::string_view bytes);                   // RFC 4648 §4, padded
std::optional<std::string> base64_decode(std::string_view text);     // accepts padded or not
std::string base64url_encode(std::string_view bytes);                // RFC 4648 §5, no padding
std::optional<std::string> base64url_decode(std::string_view text);  // rejects '+', '/', '='
std::string hex_encode(std::string_view bytes);
std::string sha256(std::string_view data);  // 32 raw bytes
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace mcpedge::crypto
