// Consent decisions per user and client, with when each was first and last used.
#include "store/sqlite/sqlite_store.hpp"

namespace mcpedge::store::sqlite {

namespace {

constexpr const char* k_columns =
    "SELECT subject, client_id, client_name, redirect_uri, scopes, granted_at, first_used, last_used"
    " FROM consents";

Consent read_consent(const Statement& row) {
  Consent c;
  c.subject = row.text(0);
  c.client_id = row.text(1);
  c.client_name = row.text(2);
  c.redirect_uri = row.text(3);
  c.scopes = row.text(4);
  c.granted_at = row.int64(5);
  c.first_used = row.optional_int64(6);
  c.last_used = row.optional_int64(7);
  return c;
}

}  // namespace

asio::awaitable<Result<Done>> SqliteStore::save_consent(Consent consent) {
  auto fn = [&consent](Connection& db) {
    auto upsert = db.prepare(
        "INSERT INTO consents (subject, client_id, client_name, redirect_uri, scopes, granted_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT (subject, client_id) DO UPDATE SET client_name = excluded.client_name,"
        " redirect_uri = excluded.redirect_uri, scopes = excluded.scopes, granted_at = excluded.granted_at");
    upsert.bind_all(consent.subject, consent.client_id, consent.client_name, consent.redirect_uri, consent.scopes,
                    consent.granted_at);
    upsert.run();
    return Done{};
  };
  co_return co_await run("save consent", fn);
}

asio::awaitable<Result<std::optional<Consent>>> SqliteStore::find_consent(std::string subject, std::string client_id) {
  auto fn = [&](Connection& db) -> std::optional<Consent> {
    auto query = db.prepare(std::string(k_columns) + " WHERE subject = ?1 AND client_id = ?2");
    query.bind_all(subject, client_id);
    if (!query.step()) return std::nullopt;
    return read_consent(query);
  };
  co_return co_await read("find consent", fn);
}

asio::awaitable<Result<std::vector<Consent>>> SqliteStore::list_consents(std::string subject) {
  auto fn = [&subject](Connection& db) {
    auto query = db.prepare(std::string(k_columns) +
                            " WHERE subject = ?1 ORDER BY coalesce(last_used, granted_at) DESC, client_id");
    query.bind_all(subject);
    std::vector<Consent> consents;
    while (query.step()) consents.push_back(read_consent(query));
    return consents;
  };
  co_return co_await read("list consents", fn);
}

asio::awaitable<Result<bool>> SqliteStore::touch_consent(std::string subject, std::string client_id, UnixTime now) {
  auto fn = [&](Connection& db) {
    // max(): a late, out-of-order touch never moves last_used backwards.
    auto touch = db.prepare(
        "UPDATE consents SET first_used = coalesce(first_used, ?3), last_used = max(coalesce(last_used, ?3), ?3)"
        " WHERE subject = ?1 AND client_id = ?2");
    touch.bind_all(subject, client_id, now);
    touch.run();
    return db.changes() > 0;
  };
  co_return co_await run("touch consent", fn);
}

asio::awaitable<Result<bool>> SqliteStore::delete_consent(std::string subject, std::string client_id) {
  auto fn = [&](Connection& db) {
    auto remove = db.prepare("DELETE FROM consents WHERE subject = ?1 AND client_id = ?2");
    remove.bind_all(subject, client_id);
    remove.run();
    return db.changes() > 0;
  };
  co_return co_await run("delete consent", fn);
}

}  // namespace mcpedge::store::sqlite
