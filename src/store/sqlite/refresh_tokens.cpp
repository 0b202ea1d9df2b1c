// Refresh-token families: issue, rotation with one step of grace, reuse detection, revocation.
#include "store/sqlite/sqlite_store.hpp"

namespace mcpedge::store::sqlite {

namespace {

// A token's state is its place on its family row: the current token, the one before it, or older.
constexpr const char* k_find =
    "SELECT t.token_hash, t.family_id, f.subject, f.client_id, f.org, t.scopes, t.issued_at, t.expires_at,"
    " CASE t.token_hash WHEN f.current_hash THEN 0 WHEN f.previous_hash THEN 1 ELSE 2 END, f.revoked"
    " FROM refresh_tokens t JOIN refresh_families f ON f.family_id = t.family_id WHERE t.token_hash = ?1";

std::optional<RefreshToken> find_token(Connection& db, const std::string& token_hash) {
  auto query = db.prepare(k_find);
  query.bind_all(Blob{token_hash});
  if (!query.step()) return std::nullopt;
  RefreshToken token;
  auto& r = token.record;
  r.token_hash = query.blob(0);
  r.family_id = query.text(1);
  r.subject = query.text(2);
  r.client_id = query.text(3);
  r.org = query.optional_text(4);
  r.scopes = query.text(5);
  r.issued_at = query.int64(6);
  r.expires_at = query.int64(7);
  const std::int64_t place = query.int64(8);
  if (query.int64(9) != 0) {
    token.state = RefreshTokenState::revoked;
  } else if (place == 0) {
    token.state = RefreshTokenState::current;
  } else if (place == 1) {
    token.state = RefreshTokenState::previous;
  } else {
    token.state = RefreshTokenState::superseded;
  }
  return token;
}

void insert_token(Connection& db, const RefreshTokenRecord& r) {
  auto insert = db.prepare(
      "INSERT INTO refresh_tokens (token_hash, family_id, scopes, issued_at, expires_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5)");
  insert.bind_all(Blob{r.token_hash}, r.family_id, r.scopes, r.issued_at, r.expires_at);
  insert.run();
}

// The current token was used: it becomes the previous one (the one before it loses its grace).
void advance(Connection& db, const std::string& family_id, const std::string& next_hash) {
  auto update =
      db.prepare("UPDATE refresh_families SET previous_hash = current_hash, current_hash = ?2 WHERE family_id = ?1");
  update.bind_all(family_id, Blob{next_hash});
  update.run();
}

// The previous token was used again: its unused successor is replaced, the previous one keeps its
// grace.
void replace_current(Connection& db, const std::string& family_id, const std::string& next_hash) {
  auto update = db.prepare("UPDATE refresh_families SET current_hash = ?2 WHERE family_id = ?1");
  update.bind_all(family_id, Blob{next_hash});
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
  auto found = find_token(db, request.presented_hash);
  if (!found) return Refresh{};
  Refresh refresh{RotationOutcome::unknown, std::move(found->record)};
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
  if (found->state == RefreshTokenState::revoked) {
    refresh.outcome = RotationOutcome::revoked;
    return refresh;
  }
  if (now >= presented.expires_at) {
    refresh.outcome = RotationOutcome::expired;
    return refresh;
  }
  if (found->state == RefreshTokenState::superseded) {
    // OAuth 2.1 §4.3.1: a token presented twice means two parties hold it; revoke the family.
    revoke_family(db, family_id);
    refresh.outcome = RotationOutcome::reuse_detected;
    return refresh;
  }
  if (found->state == RefreshTokenState::current) {
    // The current token is used: the one before it has lost its grace.
    advance(db, family_id, request.next_hash);
    refresh.outcome = RotationOutcome::rotated;
  } else {
    // The previous token again: its successor was never used (the client lost the answer), so the
    // successor is discarded and the previous token keeps its grace until the new one is used.
    replace_current(db, family_id, request.next_hash);
    refresh.outcome = RotationOutcome::rotated_in_grace;
  }
  RefreshTokenRecord next = presented;
  next.token_hash = request.next_hash;
  if (request.scopes) next.scopes = *request.scopes;
  next.issued_at = now;
  next.expires_at = request.next_expires_at;
  insert_token(db, next);
  refresh.issued = std::move(next);
  // The grant's upstream credential is keyed by its id, which is the family id.
  refresh.credential = find_upstream_credential(db, family_id);
  return refresh;
}

}  // namespace

asio::awaitable<Result<Done>> SqliteStore::issue_refresh_token(RefreshTokenRecord record) {
  auto fn = [&record](Connection& db) {
    auto issue = [&] {
      auto family = db.prepare(
          "INSERT INTO refresh_families (family_id, subject, client_id, org, current_hash)"
          " VALUES (?1, ?2, ?3, ?4, ?5)");
      family.bind_all(record.family_id, record.subject, record.client_id, record.org, Blob{record.token_hash});
      family.run();
      insert_token(db, record);
      return Done{};
    };
    return db.transaction(issue);
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

asio::awaitable<Result<std::optional<RefreshToken>>> SqliteStore::find_refresh_token(std::string token_hash) {
  auto fn = [&token_hash](Connection& db) { return find_token(db, token_hash); };
  co_return co_await read("find refresh token", fn);
}

}  // namespace mcpedge::store::sqlite
