// Migrations: a fresh database gets them all, re-opening is idempotent, a newer database is refused.
#include "store/sqlite/migrations.hpp"

#include "store_fixture.hpp"

#include <array>

namespace mcpedge::store::testing {
namespace {

using sqlite::Connection;
using sqlite::migrate;
using sqlite::Migration;
using sqlite::schema_migrations;

TEST_F(StoreTest, FreshDatabaseRecordsEveryMigration) {
  RawDb raw(file());
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM schema_migrations"), std::to_string(schema_migrations().size()));
  EXPECT_EQ(raw.scalar("SELECT max(id) FROM schema_migrations"), std::to_string(schema_migrations().back().id));
  EXPECT_EQ(raw.scalar("SELECT name FROM sqlite_master WHERE name = 'refresh_tokens'"), "refresh_tokens");
}

TEST_F(StoreTest, ReopeningKeepsDataAndAppliesNothingTwice) {
  Consent consent{"alice", "client-1", "Client", "https://c.example/cb", "read", 100};
  ok(sync(store().save_consent(consent)));
  const std::string applied_at =
      RawDb(file()).scalar("SELECT group_concat(id || ':' || applied_at) FROM schema_migrations");
  reopen();
  reopen();
  RawDb raw(file());
  EXPECT_EQ(raw.scalar("SELECT group_concat(id || ':' || applied_at) FROM schema_migrations"), applied_at);
  EXPECT_TRUE(ok(sync(store().find_consent("alice", "client-1"))).has_value());
}

TEST_F(StoreTest, DatabaseFromANewerVersionIsRefused) {
  store_.reset();
  RawDb(file()).exec("INSERT INTO schema_migrations (id, name, applied_at) VALUES (999, 'from the future', 0)");
  auto opened = SqliteStore::open(file());
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, StoreError::Code::schema_too_new);
  const auto& message = opened.error().message;
  EXPECT_NE(message.find(file().string()), std::string::npos) << message;
  EXPECT_NE(message.find("newer mcpedge"), std::string::npos) << message;
  EXPECT_NE(message.find("999 (\"from the future\")"), std::string::npos) << message;
}

// A random token from before schema 4, as the token endpoint presents it: by its hash.
RefreshTokenRecord random_token(char byte) {
  RefreshTokenRecord presented;
  presented.token_hash = std::string(1, byte);
  return presented;
}

// Migration 3 moves a family's current and previous token onto the family row, migration 4 gives the
// family its generations and expiry: random tokens written before both keep their state, and rotating
// one goes on with sealed tokens (generations) in the same family, grace and reuse detection included.
TEST(Migrations, RandomRefreshTokensKeepTheirStateAndRotateIntoGenerations) {
  TempDir dir;
  const auto path = dir.path() / "store.db";
  {
    Connection db(path);
    ASSERT_TRUE(migrate(db, schema_migrations().first(2)));
    RawDb raw(path);
    raw.exec(
        "INSERT INTO refresh_families (family_id, subject, client_id, org, revoked) VALUES"
        " ('f1', 'alice', 'client-1', NULL, 0), ('f2', 'bob', 'client-1', 'org-1', 0)");
    raw.exec(
        "INSERT INTO refresh_tokens (token_hash, family_id, scopes, issued_at, expires_at, state) VALUES"
        " (x'01', 'f1', 'read', 100, 1100, 'superseded'), (x'02', 'f1', 'read', 200, 1200, 'previous'),"
        " (x'03', 'f1', 'read', 300, 1300, 'current'), (x'04', 'f2', 'read write', 100, 1100, 'current')");
  }
  auto opened = SqliteStore::open(path);
  ASSERT_TRUE(opened) << opened.error().message;
  Store& store = **opened;
  auto state = [&](const RefreshTokenRecord& presented) {
    auto found = ok(sync(store.find_refresh_token(presented)));
    return found ? std::optional(found->state) : std::nullopt;
  };
  EXPECT_EQ(state(random_token('\x01')), RefreshTokenState::superseded);
  EXPECT_EQ(state(random_token('\x02')), RefreshTokenState::previous);
  EXPECT_EQ(state(random_token('\x03')), RefreshTokenState::current);
  EXPECT_EQ(state(random_token('\x04')), RefreshTokenState::current);
  auto moved = ok(sync(store.find_refresh_token(random_token('\x04'))));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->record.org, "org-1");
  EXPECT_EQ(moved->record.scopes, "read write");
  EXPECT_EQ(moved->record.expires_at, 1100);
  EXPECT_EQ(RawDb(path).scalar(
                "SELECT group_concat(expires_at) FROM (SELECT expires_at FROM refresh_families ORDER BY family_id)"),
            "1300,1100");

  // The current random token rotates into the family's first generation; it keeps its grace.
  auto rotated = ok(sync(store.redeem_refresh_token(RefreshRequest{random_token('\x03'), "client-1", {}, 1400}, 400)));
  EXPECT_EQ(rotated.outcome, RotationOutcome::rotated);
  ASSERT_TRUE(rotated.issued);
  EXPECT_EQ(rotated.issued->family_id, "f1");
  EXPECT_EQ(rotated.issued->generation, 1);
  EXPECT_EQ(rotated.issued->subject, "alice");
  EXPECT_EQ(rotated.issued->scopes, "read");
  EXPECT_EQ(state(random_token('\x02')), RefreshTokenState::superseded);
  EXPECT_EQ(state(random_token('\x03')), RefreshTokenState::previous);
  EXPECT_EQ(state(refresh_token("f1", 1, 400)), RefreshTokenState::current);
  auto retried = ok(sync(store.redeem_refresh_token(RefreshRequest{random_token('\x03'), "client-1", {}, 1500}, 500)));
  EXPECT_EQ(retried.outcome, RotationOutcome::rotated_in_grace);
  ASSERT_TRUE(retried.issued);
  EXPECT_EQ(retried.issued->generation, 2);
  EXPECT_EQ(state(refresh_token("f1", 1, 400)), RefreshTokenState::superseded);
  // The sealed successor is used: the random token loses its grace, and presenting it again is reuse.
  auto next =
      ok(sync(store.redeem_refresh_token(RefreshRequest{refresh_token("f1", 2, 500), "client-1", {}, 1600}, 600)));
  EXPECT_EQ(next.outcome, RotationOutcome::rotated);
  EXPECT_EQ(state(random_token('\x03')), RefreshTokenState::superseded);
  auto replay = RefreshRequest{random_token('\x03'), "client-1", {}, 1700};
  EXPECT_EQ(ok(sync(store.redeem_refresh_token(replay, 700))).outcome, RotationOutcome::reuse_detected);
  EXPECT_EQ(state(refresh_token("f1", 3, 600)), RefreshTokenState::revoked);
  EXPECT_EQ(state(random_token('\x04')), RefreshTokenState::current);  // the other family is untouched

  // Pruning: f2's random current token expired at 1100, f1's sealed one expires at 1600.
  auto pruned = ok(sync(store.prune_expired(1200)));
  EXPECT_EQ(pruned.refresh_families, 1);
  EXPECT_EQ(pruned.refresh_tokens, 3);  // x'01', x'02' and x'04'
  EXPECT_FALSE(state(random_token('\x04')));
}

TEST(Migrations, EachIsAppliedOnceInOrder) {
  TempDir dir;
  Connection db(dir.path() / "m.db");
  // Re-running either script would fail (the table exists), so a second pass proves idempotence.
  const std::array list{Migration{1, "create a", "CREATE TABLE a (x INTEGER)"},
                        Migration{2, "fill a", "INSERT INTO a (x) VALUES (42)"}};
  ASSERT_TRUE(migrate(db, list));
  ASSERT_TRUE(migrate(db, list));
  RawDb raw(dir.path() / "m.db");
  EXPECT_EQ(raw.scalar("SELECT group_concat(x) FROM a"), "42");
  EXPECT_EQ(raw.scalar("SELECT group_concat(id) FROM (SELECT id FROM schema_migrations ORDER BY id)"), "1,2");
}

TEST(Migrations, AFailingMigrationIsRolledBackAndNotRecorded) {
  TempDir dir;
  Connection db(dir.path() / "m.db");
  const std::array list{Migration{1, "create a", "CREATE TABLE a (x INTEGER)"},
                        Migration{2, "half done", "CREATE TABLE b (x INTEGER); INSERT INTO missing VALUES (1)"}};
  auto migrated = migrate(db, list);
  ASSERT_FALSE(migrated);
  EXPECT_EQ(migrated.error().code, StoreError::Code::migration_failed);
  EXPECT_NE(migrated.error().message.find("2 (\"half done\")"), std::string::npos) << migrated.error().message;
  RawDb raw(dir.path() / "m.db");
  EXPECT_EQ(raw.scalar("SELECT group_concat(id) FROM schema_migrations"), "1");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'b'"), "0");
}

TEST(Migrations, AnOlderBuildRefusesTheNewerSchema) {
  TempDir dir;
  Connection db(dir.path() / "m.db");
  const std::array newer{Migration{1, "one", "CREATE TABLE a (x)"}, Migration{2, "two", "CREATE TABLE b (x)"}};
  const std::array older{Migration{1, "one", "CREATE TABLE a (x)"}};
  ASSERT_TRUE(migrate(db, newer));
  auto refused = migrate(db, older);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StoreError::Code::schema_too_new);
  EXPECT_NE(refused.error().message.find("knows migrations up to 1"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace mcpedge::store::testing
