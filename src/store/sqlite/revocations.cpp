// Revocations of sealed items (clients, sessions, grants), kept until the item itself expires.
#include "store/sqlite/sqlite_store.hpp"

namespace mcpedge::store::sqlite {

namespace {

const char* kind_name(RevocationKind kind) {
  switch (kind) {
    case RevocationKind::client:
      return "client";
    case RevocationKind::session:
      return "session";
    case RevocationKind::grant:
      return "grant";
  }
  return "unknown";
}

}  // namespace

asio::awaitable<Result<Done>> SqliteStore::revoke(RevocationKind kind, std::string id, UnixTime expires_at) {
  auto fn = [&](Connection& db) {
    auto upsert = db.prepare(
        "INSERT INTO revocations (kind, id, expires_at) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (kind, id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)");
    upsert.bind_all(kind_name(kind), id, expires_at);
    upsert.run();
    return Done{};
  };
  co_return co_await run("revoke", fn);
}

asio::awaitable<Result<std::vector<std::string>>> SqliteStore::list_revoked(RevocationKind kind, UnixTime now) {
  auto fn = [&](Connection& db) {
    auto query = db.prepare("SELECT id FROM revocations WHERE kind = ?1 AND expires_at > ?2 ORDER BY id");
    query.bind_all(kind_name(kind), now);
    std::vector<std::string> ids;
    while (query.step()) ids.push_back(query.text(0));
    return ids;
  };
  co_return co_await read("list revocations", fn);
}

}  // namespace mcpedge::store::sqlite
