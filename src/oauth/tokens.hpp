// Sealed, self-contained AS artefacts: access tokens, authorization codes and the in-flight
// authorization carried through the upstream IdP's `state` (ARCHITECTURE.md, state model).
#pragma once

#include "base/expected.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/sealed_box.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace mcpedge::oauth {

using Clock = std::chrono::system_clock;

// What a tool call needs to act for the user; the upstream credential rides along encrypted, so
// the resource server checks a token without a store round trip.
struct AccessToken {
  std::string audience;  // the exact MCP URL (RFC 8707 resource)
  std::string subject;   // the user at the upstream IdP
  std::string org;       // selected organisation, may be empty
  std::string scope;     // space-separated
  std::string client_id;
  std::string credential;  // the upstream credential used for tool calls (never shown to the client)
  std::string grant;       // refresh-token family id, for revocation checks
  Clock::time_point expires_at;
};

struct AuthorizationCode {
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;  // S256 only
  std::string resource;
  std::string scope;
  std::string subject;
  std::string org;
  std::string credential_ref;  // key of the upstream credential in the store
  std::string id;              // random; its hash goes into the store's used-code set
  Clock::time_point expires_at;
};

// The client's authorization request, parked while the user signs in at the upstream IdP.
struct PendingAuthorization {
  std::string client_id;
  std::string redirect_uri;
  std::string client_state;  // echoed back to the client, may be empty
  std::string code_challenge;
  std::string resource;
  std::string scope;
  std::string upstream_verifier;  // mcpedge's own PKCE verifier for the IdP leg
  std::string browser_binding;    // hash of the __Host- cookie that must come back with the callback
  std::string nonce;
  Clock::time_point expires_at;
  // Set when the browser's session and a remembered consent skipped the consent page: the IdP must
  // sign in this same user, or the page is shown after all.
  std::string consented_subject;
};

// A refresh token names its place in the store: its family (the grant) and its generation there
// (1 for the family's first token, one more for each token issued after it). The seal makes it
// unforgeable, so the store keeps one row per family and nothing per token; scopes and times ride
// in the token because they are the token's own (a refresh may narrow the scopes).
struct RefreshTokenClaims {
  std::string family_id;
  std::int64_t generation = 0;
  std::string scope;  // space-separated
  Clock::time_point issued_at;
  Clock::time_point expires_at;
};

enum class TokenError { malformed, forged, expired, wrong_audience };
const char* to_string(TokenError error);

std::string seal_access_token(const crypto::KeyRing& keys, const AccessToken& token);
// Checks integrity, expiry and that the token was issued for `audience` (RFC 8707 §2).
Expected<AccessToken, TokenError> open_access_token(const crypto::KeyRing& keys, std::string_view sealed,
                                                    std::string_view audience, Clock::time_point now = Clock::now());

std::string seal_refresh_token(const crypto::KeyRing& keys, const RefreshTokenClaims& token);
// Checks integrity and expiry; the store says whether the generation is still usable.
Expected<RefreshTokenClaims, TokenError> open_refresh_token(const crypto::KeyRing& keys, std::string_view sealed,
                                                            Clock::time_point now = Clock::now());

std::string seal_authorization_code(const crypto::KeyRing& keys, const AuthorizationCode& code);
Expected<AuthorizationCode, TokenError> open_authorization_code(const crypto::KeyRing& keys, std::string_view sealed,
                                                                Clock::time_point now = Clock::now());

std::string seal_pending_authorization(const crypto::KeyRing& keys, const PendingAuthorization& pending);
Expected<PendingAuthorization, TokenError> open_pending_authorization(const crypto::KeyRing& keys,
                                                                      std::string_view sealed,
                                                                      Clock::time_point now = Clock::now());

// Prefixes that tell mcpedge's own artefacts apart at a glance (and in secret scanners).
inline constexpr std::string_view k_access_token_prefix = "mcpat_";
inline constexpr std::string_view k_code_prefix = "mcpac_";
inline constexpr std::string_view k_refresh_prefix = "mcprt_";
// Refresh tokens issued before they were sealed (store schema 3 and older) are this prefix and 43
// random base64url characters; the store still knows them by their hash until they expire.
inline constexpr std::size_t k_random_refresh_token_size = k_refresh_prefix.size() + 43;

}  // namespace mcpedge::oauth
