// Byte encodings and digests: base64 / base64url, hex, SHA-256, constant-time comparison.
#include "crypto/encoding.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace mcpedge::crypto {
namespace {

constexpr std::string_view k_base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view k_base64url_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::int8_t k_invalid = -1;

using DecodeTable = std::array<std::int8_t, 256>;

constexpr DecodeTable make_decode_table(std::string_view alphabet) {
  DecodeTable table{};
  table.fill(k_invalid);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}

constexpr DecodeTable k_base64_table = make_decode_table(k_base64_alphabet);
constexpr DecodeTable k_base64url_table = make_decode_table(k_base64url_alphabet);

// Both directions size their output once and write through a pointer: tokens and sealed values are
// encoded and decoded on every /token request, and appending byte by byte cost ~10 instructions per
// character (bench/instructions.mjs).
std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  const std::size_t whole = bytes.size() / 3;
  const std::size_t rest = bytes.size() % 3;
  const std::size_t tail = rest == 0 ? 0 : pad ? 4 : rest + 1;
  std::string out(whole * 4 + tail, '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  char* o = out.data();
  for (std::size_t g = 0; g < whole; ++g, in += 3, o += 4) {
    const std::uint32_t n = std::uint32_t{in[0]} << 16 | std::uint32_t{in[1]} << 8 | in[2];
    o[0] = alphabet[(n >> 18) & 63];
    o[1] = alphabet[(n >> 12) & 63];
    o[2] = alphabet[(n >> 6) & 63];
    o[3] = alphabet[n & 63];
  }
  if (rest == 0) return out;
  std::uint32_t n = std::uint32_t{in[0]} << 16;
  if (rest == 2) n |= std::uint32_t{in[1]} << 8;
  o[0] = alphabet[(n >> 18) & 63];
  o[1] = alphabet[(n >> 12) & 63];
  if (rest == 2) o[2] = alphabet[(n >> 6) & 63];
  if (pad) {
    if (rest == 1) o[2] = '=';
    o[3] = '=';
  }
  return out;
}

// Decodes unpadded text. Rejects a trailing group of one character (it cannot carry a whole byte)
// and non-zero leftover bits (RFC 4648 §3.5): every byte string then has exactly one accepted
// encoding, so a sealed value or token cannot be re-spelled into a second valid form.
std::optional<std::string> decode(std::string_view text, const DecodeTable& table) {
  const std::size_t whole = text.size() / 4;
  const std::size_t rest = text.size() % 4;
  if (rest == 1) return std::nullopt;
  std::string out(whole * 3 + (rest == 0 ? 0 : rest - 1), '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  char* o = out.data();
  for (std::size_t g = 0; g < whole; ++g, in += 4, o += 3) {
    const std::int8_t a = table[in[0]], b = table[in[1]], c = table[in[2]], d = table[in[3]];
    if ((a | b | c | d) < 0) return std::nullopt;  // k_invalid is the only negative entry
    const std::uint32_t n = static_cast<std::uint32_t>(a) << 18 | static_cast<std::uint32_t>(b) << 12 |
                            static_cast<std::uint32_t>(c) << 6 | static_cast<std::uint32_t>(d);
    o[0] = static_cast<char>(n >> 16);
    o[1] = static_cast<char>((n >> 8) & 0xFF);
    o[2] = static_cast<char>(n & 0xFF);
  }
  if (rest == 0) return out;
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < rest; ++i) {
    const std::int8_t v = table[in[i]];
    if (v == k_invalid) return std::nullopt;
    n = n << 6 | static_cast<std::uint32_t>(v);
  }
  // rest == 2: 12 bits, one byte and 4 leftover bits; rest == 3: 18 bits, two bytes and 2 leftover.
  const int leftover = rest == 2 ? 4 : 2;
  if ((n & ((1u << leftover) - 1)) != 0) return std::nullopt;
  n >>= leftover;
  if (rest == 3) {
    o[0] = static_cast<char>(n >> 8);
    o[1] = static_cast<char>(n & 0xFF);
  } else {
    o[0] = static_cast<char>(n);
  }
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) { return encode(bytes, k_base64_alphabet, true); }

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 == 0 && !text.empty()) {
    // Padding is optional, but when present it must be exactly what the encoder would write.
    std::size_t pad = 0;
    while (pad < 2 && text[text.size() - 1 - pad] == '=') ++pad;
    text.remove_suffix(pad);
  }
  return decode(text, k_base64_table);
}

std::string base64url_encode(std::string_view bytes) { return encode(bytes, k_base64url_alphabet, false); }

std::optional<std::string> base64url_decode(std::string_view text) {
  // '=' is absent from the table, so padded input is rejected along with '+' and '/'.
  return decode(text, k_base64url_table);
}

std::string hex_encode(std::string_view bytes) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 0x0F];
  }
  return out;
}

std::string sha256(std::string_view data) {
  // Fetched once per process: EVP_sha256() would be looked up again on every digest (see aes_256_gcm
  // in sealed_box.cpp). Kept until exit.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::string out(32, '\0');
  unsigned int len = 0;
  if (md == nullptr ||
      EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, md, nullptr) != 1 ||
      len != out.size()) {
    // Only fails when OpenSSL itself is broken (no SHA-256 provider, out of memory).
    throw std::runtime_error("SHA-256 failed in OpenSSL");
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // The length is not secret (tokens have a fixed shape); only the contents must not leak timing.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace mcpedge::crypto
