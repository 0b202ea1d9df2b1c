// The key ring: master keys (first active, older ones still open) and per-purpose subkeys.
#pragma once

#include "base/expected.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::crypto {

// What a sealed value is for; each purpose gets its own HKDF subkey, so a value sealed for one
// purpose never opens as another.
enum class Purpose : std::uint8_t {
  session_id = 1,
  list_cursor = 2,
  access_token = 3,
  authorization_code = 4,
  client_registration = 5,
  upstream_state = 6,
  consent_cookie = 7,
  csrf = 8,
  at_rest = 9,
  browser_session = 10,  // the AS's sign-in cookie: who this browser is, so remembered consent can skip the page
  dev_idp = 11,          // the demo's development identity provider (codes and tokens it issues)
  connect_session = 12,  // the connect page's sign-in cookie (who, which org, its CSRF token)
  refresh_token = 13,    // refresh tokens: which family and generation, scopes, times (the store keeps the family)
};

struct KeyRingError {
  std::string message;
};

class KeyRing {
 public:
  using Key = std::array<unsigned char, 32>;

  // `spec` is a comma-separated list of base64url-encoded 32-byte keys, active key first
  // (the format of the MCPEDGE_KEYS environment variable).
  static Expected<std::shared_ptr<const KeyRing>, KeyRingError> parse(std::string_view spec);
  // One fresh random key, e.g. for `mcpedge keys generate` and the demo.
  static std::string generate_key();
  static std::shared_ptr<const KeyRing> from_keys(std::vector<Key> masters);

  std::size_t size() const { return subkeys_.size(); }
  // 1-byte id of the active master key: the first byte of SHA-256(master).
  std::uint8_t active_id() const { return ids_.front(); }
  // The subkey for `purpose` of the master with `id`, or null when no master has that id.
  const Key* subkey(std::uint8_t id, Purpose purpose) const;
  const Key& active_subkey(Purpose purpose) const;

 private:
  std::vector<std::uint8_t> ids_;
  std::vector<std::array<Key, 16>> subkeys_;  // derived once, indexed by Purpose
};

}  // namespace mcpedge::crypto
