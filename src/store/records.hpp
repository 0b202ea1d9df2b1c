// What the store keeps: consent decisions, refresh-token families, upstream credentials,
// revocations and personal access tokens. Times are unix seconds; secrets arrive hashed or sealed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mcpedge::store {

using UnixTime = std::int64_t;  // seconds since the epoch; a value expires when now >= expires_at

// A user's decision to let a client act for them, remembered per (subject, client_id).
struct Consent {
  std::string subject;
  std::string client_id;
  std::string client_name;
  std::string redirect_uri;
  std::string scopes;  // space-delimited, as in OAuth's `scope` parameter
  UnixTime granted_at = 0;
  // Kept by the store: set by touch_consent, preserved when the consent is saved again.
  std::optional<UnixTime> first_used;
  std::optional<UnixTime> last_used;
};

// One refresh token of a family. A family starts at the authorization_code grant and continues
// through every rotation; subject, client and org are the family's and never change.
//
// A token names its family and its generation there (sealed by the caller, so unforgeable): the store
// keeps one row per family and nothing per token. Tokens issued before store schema 4 were random and
// are known by their hash (generation 0) until they expire; rotating one issues a sealed successor.
struct RefreshTokenRecord {
  std::string family_id;
  std::int64_t generation = 0;  // 1 for the family's first sealed token, one more for each after it
  std::string token_hash;       // generation 0 only: the hash of the random token
  std::string subject;
  std::string client_id;
  std::optional<std::string> org;
  std::string scopes;  // may narrow at each refresh (RFC 6749 §6)
  UnixTime issued_at = 0;
  UnixTime expires_at = 0;
};

// Where a token stands in its family (OAuth 2.1 §4.3.1 rotation with one step of grace).
enum class RefreshTokenState {
  current,     // the newest token: it rotates
  previous,    // the token the current one replaced: still rotates until the current one is first used
  superseded,  // presenting it again is reuse, which revokes the family
  revoked,     // the family is revoked
};

struct RefreshToken {
  RefreshTokenRecord record;
  RefreshTokenState state = RefreshTokenState::current;
};

// An upstream credential (IdP tokens, minted API key), sealed by the caller (Purpose::at_rest).
struct UpstreamCredential {
  std::string key;
  std::string ciphertext;
  UnixTime expires_at = 0;
};

// RFC 6749 §6: a refresh may narrow the granted scopes, never widen them. The first scope of
// `requested` (space-delimited, as in the `scope` parameter) that `granted` lacks, if any.
inline std::optional<std::string_view> first_ungranted_scope(std::string_view granted, std::string_view requested) {
  auto has = [](std::string_view scopes, std::string_view scope) {
    for (std::size_t start = 0; start < scopes.size();) {
      auto end = std::min(scopes.find(' ', start), scopes.size());
      if (scopes.substr(start, end - start) == scope) return true;
      start = end + 1;
    }
    return false;
  };
  for (std::size_t start = 0; start < requested.size();) {
    auto end = std::min(requested.find(' ', start), requested.size());
    auto scope = requested.substr(start, end - start);
    if (!scope.empty() && !has(granted, scope)) return scope;
    start = end + 1;
  }
  return std::nullopt;
}

// What a client presents at the token endpoint's refresh_token grant, and the token that replaces it.
struct RefreshRequest {
  // What the presented token says of itself: family, generation, scopes and times from its seal, or
  // (generation 0) the hash of a random token.
  RefreshTokenRecord presented;
  std::string client_id;              // the authenticated client: the token must have been issued to it
  std::optional<std::string> scopes;  // the `scope` parameter; none keeps the presented token's scopes
  UnixTime next_expires_at = 0;       // of the token that becomes the family's current one
};

enum class RotationOutcome {
  rotated,           // the current token was presented; the new record is now current
  rotated_in_grace,  // the previous token was presented (the client lost the last answer); the unused
                     // current token is superseded and the new record is now current
  reuse_detected,    // a superseded token was presented: the whole family is now revoked
  expired,
  revoked,
  unknown,
  wrong_client,       // issued to another client: refused, nothing changed (RFC 6749 §6)
  scope_not_granted,  // a requested scope is not among the presented token's: refused, nothing changed
};

struct Refresh {
  RotationOutcome outcome = RotationOutcome::unknown;
  std::optional<RefreshTokenRecord> presented;  // the token that was presented, unless unknown
  // When rotated (in grace or not): the family's new current token (its next generation), and the
  // upstream credential stored under the family id, if there is one (revoked grants and pruned entries
  // have none).
  std::optional<RefreshTokenRecord> issued;
  std::optional<UpstreamCredential> credential;
};

// What a revocation entry names; the id is the item's own (client_id, session hash, grant id).
enum class RevocationKind { client, session, grant };

struct PersonalAccessToken {
  std::string id;
  std::string token_hash;
  std::string subject;
  std::string name;
  UnixTime created_at = 0;
  std::optional<UnixTime> expires_at;  // none: valid until revoked
  std::optional<UnixTime> last_used;   // kept by the store: set by touch_personal_token

  bool expired_at(UnixTime now) const { return expires_at && now >= *expires_at; }
};

// One sign-in of a user for a client: the id names its upstream credential, its refresh-token family
// and its access tokens' revocation entry. Listed so that the user can revoke every grant of a client.
struct Grant {
  std::string id;
  std::string subject;
  std::string client_id;
  UnixTime created_at = 0;
  UnixTime expires_at = 0;  // when nothing issued under it can still be valid
};

// What prune_expired removed.
struct Pruned {
  std::int64_t used_codes = 0;
  std::int64_t revocations = 0;
  std::int64_t upstream_credentials = 0;
  std::int64_t refresh_tokens = 0;    // random tokens from before schema 4
  std::int64_t refresh_families = 0;  // families whose current token expired
  std::int64_t grants = 0;
};

}  // namespace mcpedge::store
