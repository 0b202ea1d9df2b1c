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

// Migration 3 moves a family's current and previous token onto the family row: a database written
// before it keeps every token's state, and rotation goes on from there.
TEST(Migrations, RefreshTokensKeepTheirStateAcrossTheFamilyRowMigration) {
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
  auto state = [&](char byte) {
    auto found = ok(sync(store.find_refresh_token(std::string(1, byte))));
    return found ? std::optional(found->state) : std::nullopt;
  };
  EXPECT_EQ(state('\x01'), RefreshTokenState::superseded);
  EXPECT_EQ(state('\x02'), RefreshTokenState::previous);
  EXPECT_EQ(state('\x03'), RefreshTokenState::current);
  EXPECT_EQ(state('\x04'), RefreshTokenState::current);
  auto moved = ok(sync(store.find_refresh_token(std::string(1, '\x04'))));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->record.org, "org-1");
  EXPECT_EQ(moved->record.scopes, "read write");
  EXPECT_EQ(moved->record.expires_at, 1100);

  RefreshRequest rotate{std::string(1, '\x03'), "client-1", std::nullopt, std::string(1, '\x05'), 1500};
  auto rotated = ok(sync(store.redeem_refresh_token(rotate, 400)));
  EXPECT_EQ(rotated.outcome, RotationOutcome::rotated);
  EXPECT_EQ(state('\x02'), RefreshTokenState::superseded);
  EXPECT_EQ(state('\x03'), RefreshTokenState::previous);
  EXPECT_EQ(state('\x05'), RefreshTokenState::current);
  RefreshRequest replay{std::string(1, '\x01'), "client-1", std::nullopt, std::string(1, '\x06'), 1500};
  EXPECT_EQ(ok(sync(store.redeem_refresh_token(replay, 400))).outcome, RotationOutcome::reuse_detected);
  EXPECT_EQ(state('\x05'), RefreshTokenState::revoked);
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
