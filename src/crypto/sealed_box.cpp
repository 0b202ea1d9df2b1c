// Sealed boxes: AEAD (AES-256-GCM) over a payload, with an expiry and a purpose-bound key.
#include "crypto/sealed_box.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

#include <openssl/evp.h>

#include <climits>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace mcpedge::crypto {
namespace {

constexpr unsigned char k_version = 1;
constexpr std::size_t k_header_size = 2;  // version, key id
constexpr std::size_t k_nonce_size = 12;
constexpr std::size_t k_tag_size = 16;
constexpr std::size_t k_expiry_size = 8;
// The shortest value seal() can produce: an empty payload still carries the 8-byte expiry.
constexpr std::size_t k_min_size = k_header_size + k_nonce_size + k_expiry_size + k_tag_size;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

CipherCtx new_ctx() {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw std::runtime_error("OpenSSL could not allocate a cipher context");
  return ctx;
}

// AES-256-GCM, fetched once per process. Given EVP_aes_256_gcm() instead, OpenSSL 3 looks the
// implementation up again on every init (an implicit fetch: a lock and a property query), 1.7% of
// mcpedge's CPU in the /token profile. Kept until exit.
const EVP_CIPHER* aes_256_gcm() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (cipher == nullptr) throw std::runtime_error("OpenSSL has no AES-256-GCM implementation");
  return cipher;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// Binding version, key id and purpose as associated data means a value cannot be replayed under
// another purpose even if a future bug handed two purposes the same key.
std::string associated_data(std::uint8_t id, Purpose purpose) {
  return {static_cast<char>(k_version), static_cast<char>(id), static_cast<char>(purpose)};
}

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("AES-256-GCM: OpenSSL ") + what + " failed");
}

}  // namespace

const char* to_string(OpenError error) {
  switch (error) {
    case OpenError::malformed:
      return "malformed";
    case OpenError::unknown_key:
      return "unknown key";
    case OpenError::forged:
      return "forged";
    case OpenError::expired:
      return "expired";
  }
  return "unknown error";
}

std::string seal(const KeyRing& keys, Purpose purpose, std::string_view payload,
                 std::chrono::system_clock::time_point expires_at) {
  if (payload.size() > INT_MAX - k_expiry_size) {
    throw std::length_error("seal: payload too large for one AES-GCM update");
  }
  const std::uint8_t id = keys.active_id();
  const KeyRing::Key& key = keys.active_subkey(purpose);

  // Whole seconds, rounded down: a value never outlives the expiry its sealer asked for. A time
  // before the epoch becomes 0, i.e. already expired.
  const auto seconds = std::chrono::floor<std::chrono::seconds>(expires_at.time_since_epoch()).count();
  const std::uint64_t expiry = seconds < 0 ? 0 : static_cast<std::uint64_t>(seconds);
  std::string plaintext(k_expiry_size, '\0');
  for (std::size_t i = 0; i < k_expiry_size; ++i) {
    plaintext[i] = static_cast<char>((expiry >> (8 * (k_expiry_size - 1 - i))) & 0xFF);
  }
  plaintext.append(payload);

  // 96-bit random nonces: safe for far more values per key than a gateway seals between rotations.
  const std::string nonce = random_nonce(k_nonce_size);
  const std::string aad = associated_data(id, purpose);

  std::string out = aad.substr(0, k_header_size) + nonce;
  const std::size_t ciphertext_at = out.size();
  out.resize(ciphertext_at + plaintext.size() + k_tag_size);

  const CipherCtx ctx = new_ctx();
  int len = 0;
  check(EVP_EncryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, key.data(), bytes(nonce)), "init");
  check(EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())), "AAD");
  check(EVP_EncryptUpdate(ctx.get(), bytes(out) + ciphertext_at, &len, bytes(plaintext),
                          static_cast<int>(plaintext.size())),
        "encrypt");
  int final_len = 0;
  check(EVP_EncryptFinal_ex(ctx.get(), bytes(out) + ciphertext_at + len, &final_len), "final");
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(k_tag_size),
                            bytes(out) + ciphertext_at + plaintext.size()),
        "get tag");
  return base64url_encode(out);
}

Expected<std::string, OpenError> open(const KeyRing& keys, Purpose purpose, std::string_view sealed,
                                      std::chrono::system_clock::time_point now) {
  const std::optional<std::string> raw = base64url_decode(sealed);
  if (!raw || raw->size() < k_min_size || raw->size() > INT_MAX || static_cast<unsigned char>((*raw)[0]) != k_version) {
    return Unexpected(OpenError::malformed);
  }
  const auto id = static_cast<std::uint8_t>((*raw)[1]);
  const KeyRing::Key* key = keys.subkey(id, purpose);
  if (key == nullptr) return Unexpected(OpenError::unknown_key);

  const std::string_view data(*raw);
  const std::string_view nonce = data.substr(k_header_size, k_nonce_size);
  const std::string_view ciphertext =
      data.substr(k_header_size + k_nonce_size, data.size() - k_header_size - k_nonce_size - k_tag_size);
  std::string tag(data.substr(data.size() - k_tag_size));
  const std::string aad = associated_data(id, purpose);

  std::string plaintext(ciphertext.size(), '\0');
  const CipherCtx ctx = new_ctx();
  int len = 0;
  check(EVP_DecryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, key->data(), bytes(nonce)), "init");
  check(EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())), "AAD");
  check(EVP_DecryptUpdate(ctx.get(), bytes(plaintext), &len, bytes(ciphertext), static_cast<int>(ciphertext.size())),
        "decrypt");
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(k_tag_size), bytes(tag)), "set tag");
  int final_len = 0;
  // The only failure here is a tag mismatch: wrong purpose, wrong key, or altered bytes.
  if (EVP_DecryptFinal_ex(ctx.get(), bytes(plaintext) + len, &final_len) != 1) {
    return Unexpected(OpenError::forged);
  }

  // Expiry is judged only after authentication, so a forger learns nothing from the clock.
  std::uint64_t expiry = 0;
  for (std::size_t i = 0; i < k_expiry_size; ++i) {
    expiry = (expiry << 8) | static_cast<unsigned char>(plaintext[i]);
  }
  const auto now_seconds = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  if (now_seconds >= 0 && static_cast<std::uint64_t>(now_seconds) >= expiry) {
    return Unexpected(OpenError::expired);
  }
  plaintext.erase(0, k_expiry_size);
  return plaintext;
}

}  // namespace mcpedge::crypto
