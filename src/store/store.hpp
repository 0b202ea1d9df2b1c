// The Store: everything the authorization server keeps beyond one request, behind one interface.
#pragma once

#include "base/expected.hpp"
#include "store/records.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mcpedge::store {

namespace asio = boost::asio;

struct StoreError {
  enum class Code {
    unavailable,       // cannot open, read or write the database (disk, permissions, busy too long)
    corrupt,           // the file is not a database or is damaged
    conflict,          // the key already exists (token hash, family id, personal token id)
    invalid_argument,  // the caller broke a precondition (e.g. a rotation into another family)
    schema_too_new,    // written by a newer mcpedge: unknown migration
    migration_failed,
    internal,
  };
  Code code = Code::internal;
  std::string message;  // what failed and what to do, e.g. "store: save consent: disk I/O error (...)"
};

template <class T>
using Result = Expected<T, StoreError>;

// The value of an operation that only succeeds or fails.
struct Done {};

// Every operation is awaited; a backend runs its blocking I/O elsewhere and resumes the caller on
// the caller's executor. Arguments are taken by value: they live in the coroutine frame.
class Store {
 public:
  virtual ~Store() = default;

  // --- Consent, per user and client -------------------------------------------------------------
  // Inserts or replaces the decision; first_used and last_used of an existing one are kept.
  virtual asio::awaitable<Result<Done>> save_consent(Consent consent) = 0;
  virtual asio::awaitable<Result<std::optional<Consent>>> find_consent(std::string subject, std::string client_id) = 0;
  // The user's consents, most recently used first (never used: by grant time).
  virtual asio::awaitable<Result<std::vector<Consent>>> list_consents(std::string subject) = 0;
  // Records a use; false when there is no such consent.
  virtual asio::awaitable<Result<bool>> touch_consent(std::string subject, std::string client_id, UnixTime now) = 0;
  // False when there was no such consent.
  virtual asio::awaitable<Result<bool>> delete_consent(std::string subject, std::string client_id) = 0;

  // --- Authorization codes: the used-code set ---------------------------------------------------
  // True the first time a code hash is seen, false on replay; atomic across connections.
  // Entries expired at `now` are pruned in the same transaction, so check the code's own expiry
  // before marking it: a hash whose entry was pruned would count as new again.
  virtual asio::awaitable<Result<bool>> mark_code_used(std::string code_hash, UnixTime expires_at, UnixTime now) = 0;

  // --- Refresh-token families -------------------------------------------------------------------
  // Starts a family with its first (current) token, `record.generation` (1). Conflict if the family
  // id exists.
  virtual asio::awaitable<Result<Done>> issue_refresh_token(RefreshTokenRecord record) = 0;
  // The refresh_token grant's whole store work in one transaction: finds the presented token (by its
  // family and generation, or by its hash if it has none), refuses it (changing nothing) when it was
  // issued to another client or a requested scope was not granted, then runs the rotation state machine
  // (see RotationOutcome): the new current token is the family's next generation, issued at `now`, with
  // the requested scopes. Returns it with the family's upstream credential.
  virtual asio::awaitable<Result<Refresh>> redeem_refresh_token(RefreshRequest request, UnixTime now) = 0;
  // True when a live family was revoked by this call.
  virtual asio::awaitable<Result<bool>> revoke_refresh_family(std::string family_id) = 0;
  // Revokes every live family of the (subject, client) pair; returns how many.
  virtual asio::awaitable<Result<std::int64_t>> revoke_grant(std::string subject, std::string client_id) = 0;
  // The presented token (as in RefreshRequest::presented) with its family's subject, client and org,
  // and where it stands; none if its family is unknown or never issued it.
  virtual asio::awaitable<Result<std::optional<RefreshToken>>> find_refresh_token(RefreshTokenRecord presented) = 0;

  // --- Grants, per user and client ---------------------------------------------------------------
  // Conflict if the id exists.
  virtual asio::awaitable<Result<Done>> record_grant(Grant grant) = 0;
  // The pair's grants not expired at `now`, oldest first.
  virtual asio::awaitable<Result<std::vector<Grant>>> list_grants(std::string subject, std::string client_id,
                                                                  UnixTime now) = 0;
  // Forgets every grant of the pair (after revoking them); returns how many.
  virtual asio::awaitable<Result<std::int64_t>> forget_grants(std::string subject, std::string client_id) = 0;

  // --- Upstream credentials (sealed by the caller) ----------------------------------------------
  virtual asio::awaitable<Result<Done>> put_upstream_credential(std::string key, std::string ciphertext,
                                                                UnixTime expires_at) = 0;
  // Returns the entry even past expires_at until pruned; the caller decides what expiry means.
  virtual asio::awaitable<Result<std::optional<UpstreamCredential>>> get_upstream_credential(std::string key) = 0;
  virtual asio::awaitable<Result<bool>> remove_upstream_credential(std::string key) = 0;

  // --- Revocations of sealed items (clients, sessions, grants) ----------------------------------
  // Keeps the entry until expires_at (the revoked item's own expiry); revoking again extends it.
  virtual asio::awaitable<Result<Done>> revoke(RevocationKind kind, std::string id, UnixTime expires_at) = 0;
  // The ids of one kind still revoked at `now`: replicas load them to refuse sealed items without a
  // store round trip per request.
  virtual asio::awaitable<Result<std::vector<std::string>>> list_revoked(RevocationKind kind, UnixTime now) = 0;

  // --- Personal access tokens -------------------------------------------------------------------
  // Conflict if the id or the hash exists; last_used is ignored.
  virtual asio::awaitable<Result<Done>> create_personal_token(PersonalAccessToken token) = 0;
  // Found tokens may be expired: check expired_at(now).
  virtual asio::awaitable<Result<std::optional<PersonalAccessToken>>> find_personal_token_by_hash(
      std::string token_hash) = 0;
  // The user's tokens, newest first.
  virtual asio::awaitable<Result<std::vector<PersonalAccessToken>>> list_personal_tokens(std::string subject) = 0;
  // Deletes the token if it belongs to `subject`; false otherwise.
  virtual asio::awaitable<Result<bool>> revoke_personal_token(std::string id, std::string subject) = 0;
  virtual asio::awaitable<Result<bool>> touch_personal_token(std::string id, UnixTime now) = 0;

  // --- Housekeeping -----------------------------------------------------------------------------
  // Removes what expired at `now`: used codes, revocations, upstream credentials, refresh tokens
  // (and families left without tokens), grants. Personal tokens stay listed until their owner revokes them.
  virtual asio::awaitable<Result<Pruned>> prune_expired(UnixTime now) = 0;
  // Why the store takes no more writes until a restart (its WAL could not be synced), or nothing
  // while it works; /readyz reports it. Any thread.
  virtual std::optional<StoreError> broken() const = 0;
};

}  // namespace mcpedge::store
