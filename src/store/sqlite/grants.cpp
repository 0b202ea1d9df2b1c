// Grants per user and client: what "Connected clients" lists and revokes.
#include "store/sqlite/sqlite_store.hpp"

namespace mcpedge::store::sqlite {

asio::awaitable<Result<Done>> SqliteStore::record_grant(Grant grant) {
  auto fn = [&grant](Connection& db) {
    auto insert =
        db.prepare("INSERT INTO grants (id, subject, client_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    insert.bind_all(grant.id, grant.subject, grant.client_id, grant.created_at, grant.expires_at);
    insert.run();
    return Done{};
  };
  co_return co_await run("record grant", fn);
}

asio::awaitable<Result<std::vector<Grant>>> SqliteStore::list_grants(std::string subject, std::string client_id,
                                                                     UnixTime now) {
  auto fn = [&](Connection& db) {
    auto query = db.prepare(
        "SELECT id, created_at, expires_at FROM grants WHERE subject = ?1 AND client_id = ?2 AND expires_at > ?3"
        " ORDER BY created_at, id");
    query.bind_all(subject, client_id, now);
    std::vector<Grant> grants;
    while (query.step()) grants.push_back(Grant{query.text(0), subject, client_id, query.int64(1), query.int64(2)});
    return grants;
  };
  co_return co_await read("list grants", fn);
}

asio::awaitable<Result<std::int64_t>> SqliteStore::forget_grants(std::string subject, std::string client_id) {
  auto fn = [&](Connection& db) {
    auto remove = db.prepare("DELETE FROM grants WHERE subject = ?1 AND client_id = ?2");
    remove.bind_all(subject, client_id);
    remove.run();
    return static_cast<std::int64_t>(db.changes());
  };
  co_return co_await run("forget grants", fn);
}

}  // namespace mcpedge::store::sqlite
