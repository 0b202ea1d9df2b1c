// The store's SQLite schema, one migration per change, and the code that applies them.
#include "store/sqlite/migrations.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace mcpedge::store::sqlite {

namespace {

// Hashes and ciphertext are BLOBs; ids, names and scopes are TEXT; times are unix seconds.
constexpr const char* k_initial_schema = R"sql(
CREATE TABLE consents (
  subject      TEXT NOT NULL,
  client_id    TEXT NOT NULL,
  client_name  TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scopes       TEXT NOT NULL,
  granted_at   INTEGER NOT NULL,
  first_used   INTEGER,
  last_used    INTEGER,
  PRIMARY KEY (subject, client_id)
) WITHOUT ROWID;

CREATE TABLE used_codes (
  code_hash  BLOB PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX used_codes_by_expiry ON used_codes (expires_at);

CREATE TABLE refresh_families (
  family_id TEXT PRIMARY KEY,
  subject   TEXT NOT NULL,
  client_id TEXT NOT NULL,
  org       TEXT,
  revoked   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refresh_families_by_grant ON refresh_families (subject, client_id);

CREATE TABLE refresh_tokens (
  token_hash BLOB PRIMARY KEY,
  family_id  TEXT NOT NULL REFERENCES refresh_families (family_id) ON DELETE CASCADE,
  scopes     TEXT NOT NULL,
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('current', 'previous', 'superseded'))
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id, state);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);

CREATE TABLE upstream_credentials (
  key        TEXT PRIMARY KEY,
  ciphertext BLOB NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX upstream_credentials_by_expiry ON upstream_credentials (expires_at);

CREATE TABLE revocations (
  kind       TEXT NOT NULL,
  id         TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE INDEX revocations_by_expiry ON revocations (expires_at);

CREATE TABLE personal_tokens (
  id         TEXT PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  subject    TEXT NOT NULL,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used  INTEGER
);
CREATE INDEX personal_tokens_by_subject ON personal_tokens (subject);
)sql";

// Grants per user and client, so that "Connected clients" can revoke every sign-in of a client.
constexpr const char* k_grants = R"sql(
CREATE TABLE grants (
  id         TEXT PRIMARY KEY,
  subject    TEXT NOT NULL,
  client_id  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX grants_by_client ON grants (subject, client_id);
CREATE INDEX grants_by_expiry ON grants (expires_at);
)sql";

// A family's current and previous token live on the family row, and a token row is written once:
// a rotation updates one family row and inserts one token, where it used to update two token rows
// and their (family_id, state) index entries, about half of the pages each refresh wrote. Token rows
// stay until they expire, so that a superseded token is still recognised (reuse detection); a
// family goes when its current token has expired.
constexpr const char* k_rotation_on_family = R"sql(
ALTER TABLE refresh_families ADD COLUMN current_hash BLOB;
ALTER TABLE refresh_families ADD COLUMN previous_hash BLOB;
UPDATE refresh_families SET
  current_hash = (SELECT token_hash FROM refresh_tokens t
                  WHERE t.family_id = refresh_families.family_id AND t.state = 'current'),
  previous_hash = (SELECT token_hash FROM refresh_tokens t
                   WHERE t.family_id = refresh_families.family_id AND t.state = 'previous');

CREATE TABLE refresh_token_rows (
  token_hash BLOB PRIMARY KEY,
  family_id  TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO refresh_token_rows (token_hash, family_id, scopes, issued_at, expires_at)
  SELECT token_hash, family_id, scopes, issued_at, expires_at FROM refresh_tokens;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_token_rows RENAME TO refresh_tokens;
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
)sql";

// Refresh tokens are sealed and name their family and generation: a rotation updates the family row
// and writes no token row (two B-tree pages fewer per refresh, in a table that grew by one row per
// refresh). The family row carries its current token's expiry, which pruning needs. Random tokens
// issued before stay in refresh_tokens, known by their hash, until they expire.
constexpr const char* k_sealed_refresh_tokens = R"sql(
ALTER TABLE refresh_families ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refresh_families ADD COLUMN previous_generation INTEGER;
ALTER TABLE refresh_families ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE refresh_families SET
  expires_at = coalesce((SELECT t.expires_at FROM refresh_tokens t WHERE t.token_hash = refresh_families.current_hash), 0);
CREATE INDEX refresh_families_by_expiry ON refresh_families (expires_at);
)sql";

constexpr std::array k_migrations{
    Migration{1, "initial schema", k_initial_schema},
    Migration{2, "grants", k_grants},
    Migration{3, "refresh rotation on the family row", k_rotation_on_family},
    Migration{4, "sealed refresh tokens", k_sealed_refresh_tokens},
};

std::string describe(const Migration& m) { return std::to_string(m.id) + " (\"" + m.name + "\")"; }

bool is_applied(Connection& db, std::int64_t id) {
  auto query = db.prepare("SELECT 1 FROM schema_migrations WHERE id = ?1");
  query.bind_all(id);
  return query.step();
}

}  // namespace

std::span<const Migration> schema_migrations() { return k_migrations; }

Result<Done> migrate(Connection& db, std::span<const Migration> migrations) {
  const std::int64_t newest = migrations.empty() ? 0 : migrations.back().id;
  try {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    std::set<std::int64_t> known;
    for (const auto& m : migrations) known.insert(m.id);
    auto applied = db.prepare("SELECT id, name FROM schema_migrations ORDER BY id");
    while (applied.step()) {
      const std::int64_t id = applied.int64(0);
      if (known.count(id)) continue;
      const std::string name = applied.text(1);
      return Unexpected{StoreError{StoreError::Code::schema_too_new,
                                   "the database was written by a newer mcpedge: it has schema migration " +
                                       std::to_string(id) + " (\"" + name +
                                       "\"), and this build knows migrations up to " + std::to_string(newest) +
                                       "; run the newer mcpedge, or point this one at another data directory"}};
    }
  } catch (const SqliteFailure& e) {
    return Unexpected{StoreError{StoreError::Code::unavailable, std::string("cannot read the schema: ") + e.what()}};
  }

  for (const auto& m : migrations) {
    try {
      auto apply = [&] {
        // Checked inside the write lock: another process may have applied it meanwhile.
        if (is_applied(db, m.id)) return;
        db.exec(m.sql);
        auto record = db.prepare(
            "INSERT INTO schema_migrations (id, name, applied_at)"
            " VALUES (?1, ?2, CAST(strftime('%s', 'now') AS INTEGER))");
        record.bind_all(m.id, m.name);
        record.run();
      };
      db.transaction(apply);
    } catch (const SqliteFailure& e) {
      return Unexpected{StoreError{StoreError::Code::migration_failed,
                                   "schema migration " + describe(m) + " failed and was rolled back: " + e.what()}};
    }
  }
  return Done{};
}

}  // namespace mcpedge::store::sqlite
