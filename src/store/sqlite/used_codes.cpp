// The used-code set: an authorization code is redeemed once, across connections and replicas.
#include "store/sqlite/sqlite_store.hpp"

namespace mcpedge::store::sqlite {

asio::awaitable<Result<bool>> SqliteStore::mark_code_used(std::string code_hash, UnixTime expires_at, UnixTime now) {
  auto fn = [&](Connection& db) {
    auto mark = [&] {
      auto prune = db.prepare("DELETE FROM used_codes WHERE expires_at <= ?1");
      prune.bind_all(now);
      prune.run();
      // One statement decides: the row is inserted by exactly one caller; a replay changes nothing.
      auto insert = db.prepare(
          "INSERT INTO used_codes (code_hash, expires_at) VALUES (?1, ?2) ON CONFLICT (code_hash) DO NOTHING");
      insert.bind_all(Blob{code_hash}, expires_at);
      insert.run();
      return db.changes() == 1;
    };
    return db.transaction(mark);
  };
  co_return co_await run("mark authorization code used", fn);
}

}  // namespace mcpedge::store::sqlite
