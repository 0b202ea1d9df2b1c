// Refresh-token families: issue, rotation with one step of grace, reuse detection, revocation. A family
// is one row: its newest generation and the one before it (random tokens from before schema 4: their hashes).
#include "store/sqlite/sqlite_store.hpp"

namespace mcpedge::store::sqlite {

namespace {

// A presented token, where it stands, and its family's newest generation (a new token is one more).
struct Found {
  RefreshToken token;
  std::int64_t family_generation = 0;
};

// A random token from before schema 4, by its hash: its place on its family row is the current token,
// the one before it, or older.
constexpr const char* k_find_random =
    "SELECT t.family_id, f.subject, f.client_id, f.org, t.scopes, t.issued_at, t.expires_at,"
    " CASE t.token_hash WHEN f.current_hash THEN 0 WHEN f.previous_hash THEN 1 ELSE 2 END, f.revoked, f.generation"
    " FROM refresh_tokens t JOIN refresh_families f ON f.family_id = t.family_id WHERE t.token_hash = ?1";

// A sealed token, by its family: the family's newest generation, the one before it, or older.
constexpr const char* k_find_family =
    "SELECT subject, client_id, org, generation, previous_generation, revoked FROM refresh_families"
    " WHERE family_id = ?1";

RefreshTokenState state_at(std::int64_t place, bool revoked) {
  if (revoked) return RefreshTokenState::revoked;
  if (place == 0) return RefreshTokenState::current;
  if (place == 1) return RefreshTokenState::previous;
  return RefreshTokenState::superseded;
}

std::optional<Found> find_random(Connection& db, const std::string& token_hash) {
  auto query = db.prepare(k_find_random);
  query.bind_all(Blob{token_hash});
  if (!query.step()) return std::nullopt;
  Found found;
  auto& r = found.token.record;
  r.token_hash = token_hash;
  r.family_id = query.text(0);
  r.subject = query.text(1);
  r.client_id = query.text(2);
  r.org = query.optional_text(3);
  r.scopes = query.text(4);
  r.issued_at = query.int64(5);
  r.expires_at = query.int64(6);
  found.token.state = state_at(query.int64(7), query.int64(8) != 0);
  found.family_generation = query.int64(9);
  return found;
}

std::optional<Found> find_token(Connection& db, const RefreshTokenRecord& presented) {
  if (presented.generation == 0) return find_random(db, presented.token_hash);
  auto query = db.prepare(k_find_family);
  query.bind_all(presented.family_id);
  if (!query.step()) return std::nullopt;
  Found found;
  found.family_generation = query.int64(3);
  // A generation its family never issued is no token of this store's.
  if (presented.generation > found.family_generation) return std::nullopt;
  auto& r = found.token.record;
  r = presented;
  r.token_hash.clear();
  r.subject = query.text(0);
  r.client_id = query.text(1);
  r.org = query.optional_text(2);
  const std::int64_t place = presented.generation == found.family_generation   ? 0
                             : presented.generation == query.optional_int64(4) ? 1
                                                                               : 2;
  found.token.state = state_at(place, query.int64(5) != 0);
  return found;
}

// The current token was used: it becomes the previous one (the one before it loses its grace) and
// the family's next generation the current one.
void advance(Connection& db, const RefreshTokenRecord& used, const RefreshTokenRecord& next) {
  auto update = db.prepare(
      "UPDATE refresh_families SET generation = ?2, expires_at = ?3, previous_generation = ?4, previous_hash = ?5,"
      " current_hash = NULL WHERE family_id = ?1");
  update.bind_all(next.family_id, next.generation, next.expires_at);
  if (used.generation > 0) {
    update.bind(4, used.generation).bind(5, nullptr);
  } else {
    update.bind(4, nullptr).bind(5, Blob{used.token_hash});
  }
  update.run();
}

// The previous token was used again: its unused successor is superseded by the next generation, the
// previous one keeps its grace.
void replace_current(Connection& db, const RefreshTokenRecord& next) {
  auto update = db.prepare(
      "UPDATE refresh_families SET generation = ?2, expires_at = ?3, current_hash = NULL WHERE family_id = ?1");
  update.bind_all(next.family_id, next.generation, next.expires_at);
  update.run();
}

bool revoke_family(Connection& db, const std::string& family_id) {
  auto update = db.prepare("UPDATE refresh_families SET revoked = 1 WHERE family_id = ?1 AND revoked = 0");
  update.bind_all(family_id);
  update.run();
  return db.changes() > 0;
}

// The state machine, inside one write transaction. Checks run in this order: unknown, another
// client's token, scopes not granted (these two change nothing: a client that presents a token it
// does not own must not be able to revoke its owner's grant), revoked, expired (an expired token is
// refused without revoking anything, even if superseded: it can no longer be used by anyone), then
// the token's place in its family.
Refresh redeem(Connection& db, const RefreshRequest& request, UnixTime now) {
  auto found = find_token(db, request.presented);
  if (!found) return Refresh{};
  Refresh refresh{RotationOutcome::unknown, std::move(found->token.record)};
  const RefreshTokenRecord& presented = *refresh.presented;
  const auto& family_id = presented.family_id;
  if (presented.client_id != request.client_id) {
    refresh.outcome = RotationOutcome::wrong_client;
    return refresh;
  }
  if (request.scopes && first_ungranted_scope(presented.scopes, *request.scopes)) {
    refresh.outcome = RotationOutcome::scope_not_granted;
    return refresh;
  }
  const RefreshTokenState state = found->token.state;
  if (state == RefreshTokenState::revoked) {
    refresh.outcome = RotationOutcome::revoked;
    return refresh;
  }
  if (now >= presented.expires_at) {
    refresh.outcome = RotationOutcome::expired;
    return refresh;
  }
  if (state == RefreshTokenState::superseded) {
    // OAuth 2.1 §4.3.1: a token presented twice means two parties hold it; revoke the family.
    revoke_family(db, family_id);
    refresh.outcome = RotationOutcome::reuse_detected;
    return refresh;
  }
  RefreshTokenRecord next = presented;
  next.generation = found->family_generation + 1;
  next.token_hash.clear();
  if (request.scopes) next.scopes = *request.scopes;
  next.issued_at = now;
  next.expires_at = request.next_expires_at;
  if (state == RefreshTokenState::current) {
    // The current token is used: the one before it has lost its grace.
    advance(db, presented, next);
    refresh.outcome = RotationOutcome::rotated;
  } else {
    // The previous token again: its successor was never used (the client lost the answer), so the
    // successor is superseded and the previous token keeps its grace until the new one is used.
    replace_current(db, next);
    refresh.outcome = RotationOutcome::rotated_in_grace;
  }
  refresh.issued = std::move(next);
  // The grant's upstream credential is keyed by its id, which is the family id.
  refresh.credential = find_upstream_credential(db, family_id);
  return refresh;
}

}  // namespace

asio::awaitable<Result<Done>> SqliteStore::issue_refresh_token(RefreshTokenRecord record) {
  auto fn = [&record](Connection& db) {
    auto family = db.prepare(
        "INSERT INTO refresh_families (family_id, subject, client_id, org, generation, expires_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    family.bind_all(record.family_id, record.subject, record.client_id, record.org, record.generation,
                    record.expires_at);
    family.run();
    return Done{};
  };
  co_return co_await run("issue refresh token", fn);
}

asio::awaitable<Result<Refresh>> SqliteStore::redeem_refresh_token(RefreshRequest request, UnixTime now) {
  auto fn = [&](Connection& db) {
    auto step = [&] { return redeem(db, request, now); };
    return db.transaction(step);
  };
  co_return co_await run("redeem refresh token", fn);
}

asio::awaitable<Result<bool>> SqliteStore::revoke_refresh_family(std::string family_id) {
  auto fn = [&family_id](Connection& db) { return revoke_family(db, family_id); };
  co_return co_await run("revoke refresh-token family", fn);
}

asio::awaitable<Result<std::int64_t>> SqliteStore::revoke_grant(std::string subject, std::string client_id) {
  auto fn = [&](Connection& db) {
    auto update =
        db.prepare("UPDATE refresh_families SET revoked = 1 WHERE subject = ?1 AND client_id = ?2 AND revoked = 0");
    update.bind_all(subject, client_id);
    update.run();
    return db.changes();
  };
  co_return co_await run("revoke grant", fn);
}

asio::awaitable<Result<std::optional<RefreshToken>>> SqliteStore::find_refresh_token(RefreshTokenRecord presented) {
  auto fn = [&presented](Connection& db) -> std::optional<RefreshToken> {
    auto found = find_token(db, presented);
    if (!found) return std::nullopt;
    return std::move(found->token);
  };
  co_return co_await read("find refresh token", fn);
}

}  // namespace mcpedge::store::sqlite
