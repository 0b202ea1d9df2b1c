// The key ring: master keys (first active, older ones still open) and per-purpose subkeys.
#include "crypto/key_ring.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

namespace mcpedge::crypto {
namespace {

constexpr std::string_view k_whitespace = " \t\r\n";
constexpr std::string_view k_fix_hint = "run `mcpedge keys generate`";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(k_whitespace);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(k_whitespace);
  return s.substr(first, last - first + 1);
}

std::uint8_t key_id(const KeyRing::Key& master) {
  const std::string digest = sha256(std::string_view(reinterpret_cast<const char*>(master.data()), master.size()));
  return static_cast<std::uint8_t>(digest[0]);
}

// Why a list of masters cannot form a ring, naming entries 1-based as the operator wrote them.
std::optional<std::string> find_conflict(const std::vector<KeyRing::Key>& masters,
                                         const std::vector<std::uint8_t>& ids) {
  for (std::size_t i = 0; i < masters.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (CRYPTO_memcmp(masters[i].data(), masters[j].data(), masters[i].size()) == 0) {
        return "entry " + std::to_string(i + 1) + ": same key as entry " + std::to_string(j + 1) +
               "; remove one of them";
      }
      // A sealed value names its key by this one byte, so two masters sharing it would be
      // indistinguishable when opening.
      if (ids[i] == ids[j]) {
        return "entry " + std::to_string(i + 1) + ": key id " + std::to_string(ids[i]) +
               " (first byte of its SHA-256) is also the id of entry " + std::to_string(j + 1) +
               "; replace one of them (" + std::string(k_fix_hint) + ")";
      }
    }
  }
  return std::nullopt;
}

class Hkdf {
 public:
  Hkdf() : kdf_(EVP_KDF_fetch(nullptr, "HKDF", nullptr)) {
    if (kdf_ == nullptr) throw std::runtime_error("OpenSSL has no HKDF implementation");
  }
  ~Hkdf() { EVP_KDF_free(kdf_); }
  Hkdf(const Hkdf&) = delete;
  Hkdf& operator=(const Hkdf&) = delete;

  // HKDF-SHA256 (RFC 5869) without salt: masters are already uniformly random, so only the
  // expand step's domain separation by `info` matters.
  KeyRing::Key derive(const KeyRing::Key& master, std::string_view info) const {
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf_);
    if (ctx == nullptr) throw std::runtime_error("OpenSSL could not allocate an HKDF context");
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<unsigned char*>(master.data()), master.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
        OSSL_PARAM_construct_end(),
    };
    KeyRing::Key out{};
    const int ok = EVP_KDF_derive(ctx, out.data(), out.size(), params);
    EVP_KDF_CTX_free(ctx);
    if (ok != 1) throw std::runtime_error("OpenSSL HKDF-SHA256 derivation failed");
    return out;
  }

 private:
  EVP_KDF* kdf_;
};

}  // namespace

Expected<std::shared_ptr<const KeyRing>, KeyRingError> KeyRing::parse(std::string_view spec) {
  if (trim(spec).empty()) {
    return Unexpected(
        KeyRingError{"MCPEDGE_KEYS is empty: it needs at least one key (" + std::string(k_fix_hint) + ")"});
  }
  std::vector<Key> masters;
  std::size_t entry = 0;
  while (true) {
    ++entry;
    const auto comma = spec.find(',');
    const std::string_view text = trim(spec.substr(0, comma));
    const std::string where = "MCPEDGE_KEYS entry " + std::to_string(entry) + ": ";
    if (text.empty()) {
      return Unexpected(KeyRingError{where + "empty (remove the extra comma)"});
    }
    std::optional<std::string> bytes = base64url_decode(text);
    if (!bytes) {
      return Unexpected(KeyRingError{where + "not 32 bytes of base64url: it is not valid base64url (" +
                                     std::string(k_fix_hint) + ")"});
    }
    if (bytes->size() != Key{}.size()) {
      const std::size_t got = bytes->size();
      OPENSSL_cleanse(bytes->data(), bytes->size());
      return Unexpected(KeyRingError{where + "not 32 bytes of base64url: it decodes to " + std::to_string(got) +
                                     " bytes (" + std::string(k_fix_hint) + ")"});
    }
    Key& key = masters.emplace_back();
    std::copy(bytes->begin(), bytes->end(), key.begin());
    OPENSSL_cleanse(bytes->data(), bytes->size());
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }

  std::vector<std::uint8_t> ids;
  for (const Key& master : masters) ids.push_back(key_id(master));
  if (auto conflict = find_conflict(masters, ids)) {
    for (Key& master : masters) OPENSSL_cleanse(master.data(), master.size());
    return Unexpected(KeyRingError{"MCPEDGE_KEYS " + *conflict});
  }
  return from_keys(std::move(masters));
}

std::string KeyRing::generate_key() { return base64url_encode(random_bytes(Key{}.size())); }

std::shared_ptr<const KeyRing> KeyRing::from_keys(std::vector<Key> masters) {
  // Callers in code (tests, the demo) pass generated keys; a bad list here is a bug, not input.
  if (masters.empty()) throw std::invalid_argument("KeyRing::from_keys: no master keys");
  auto ring = std::make_shared<KeyRing>();
  for (const Key& master : masters) ring->ids_.push_back(key_id(master));
  if (auto conflict = find_conflict(masters, ring->ids_)) {
    throw std::invalid_argument("KeyRing::from_keys: " + *conflict);
  }

  // Every one of the 16 slots is derived, not only the named purposes, so no slot ever holds an
  // all-zero key; derivation happens once here and never on the request path.
  const Hkdf hkdf;
  for (Key& master : masters) {
    auto& subkeys = ring->subkeys_.emplace_back();
    for (std::size_t purpose = 0; purpose < subkeys.size(); ++purpose) {
      subkeys[purpose] = hkdf.derive(master, "mcpedge/" + std::to_string(purpose));
    }
    // The ring keeps only subkeys; the masters need not outlive construction.
    OPENSSL_cleanse(master.data(), master.size());
  }
  return ring;
}

const KeyRing::Key* KeyRing::subkey(std::uint8_t id, Purpose purpose) const {
  const auto index = static_cast<std::size_t>(purpose);
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    if (ids_[i] == id) return index < subkeys_[i].size() ? &subkeys_[i][index] : nullptr;
  }
  return nullptr;
}

const KeyRing::Key& KeyRing::active_subkey(Purpose purpose) const {
  return subkeys_.front().at(static_cast<std::size_t>(purpose));
}

}  // namespace mcpedge::crypto
