// Upstream credentials, sealed by the caller before they reach the store.
#include "store/sqlite/sqlite_store.hpp"

namespace mcpedge::store::sqlite {

std::optional<UpstreamCredential> find_upstream_credential(Connection& db, const std::string& key) {
  auto query = db.prepare("SELECT ciphertext, expires_at FROM upstream_credentials WHERE key = ?1");
  query.bind_all(key);
  if (!query.step()) return std::nullopt;
  return UpstreamCredential{key, query.blob(0), query.int64(1)};
}

asio::awaitable<Result<Done>> SqliteStore::put_upstream_credential(std::string key, std::string ciphertext,
                                                                   UnixTime expires_at) {
  auto fn = [&](Connection& db) {
    auto upsert = db.prepare(
        "INSERT INTO upstream_credentials (key, ciphertext, expires_at) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (key) DO UPDATE SET ciphertext = excluded.ciphertext, expires_at = excluded.expires_at");
    upsert.bind_all(key, Blob{ciphertext}, expires_at);
    upsert.run();
    return Done{};
  };
  co_return co_await run("put upstream credential", fn);
}

asio::awaitable<Result<std::optional<UpstreamCredential>>> SqliteStore::get_upstream_credential(std::string key) {
  auto fn = [&key](Connection& db) { return find_upstream_credential(db, key); };
  co_return co_await read("get upstream credential", fn);
}

asio::awaitable<Result<bool>> SqliteStore::remove_upstream_credential(std::string key) {
  auto fn = [&key](Connection& db) {
    auto remove = db.prepare("DELETE FROM upstream_credentials WHERE key = ?1");
    remove.bind_all(key);
    remove.run();
    return db.changes() > 0;
  };
  co_return co_await run("remove upstream credential", fn);
}

}  // namespace mcpedge::store::sqlite
