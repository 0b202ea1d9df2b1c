// Personal access tokens: created on the connect page, found by hash on every authenticated call.
#include "store/sqlite/sqlite_store.hpp"

namespace mcpedge::store::sqlite {

namespace {

constexpr const char* k_columns =
    "SELECT id, token_hash, subject, name, created_at, expires_at, last_used FROM personal_tokens";

PersonalAccessToken read_token(const Statement& row) {
  PersonalAccessToken t;
  t.id = row.text(0);
  t.token_hash = row.blob(1);
  t.subject = row.text(2);
  t.name = row.text(3);
  t.created_at = row.int64(4);
  t.expires_at = row.optional_int64(5);
  t.last_used = row.optional_int64(6);
  return t;
}

}  // namespace

asio::awaitable<Result<Done>> SqliteStore::create_personal_token(PersonalAccessToken token) {
  auto fn = [&token](Connection& db) {
    auto insert = db.prepare(
        "INSERT INTO personal_tokens (id, token_hash, subject, name, created_at, expires_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert.bind_all(token.id, Blob{token.token_hash}, token.subject, token.name, token.created_at, token.expires_at);
    insert.run();
    return Done{};
  };
  co_return co_await run("create personal access token", fn);
}

asio::awaitable<Result<std::optional<PersonalAccessToken>>> SqliteStore::find_personal_token_by_hash(
    std::string token_hash) {
  auto fn = [&token_hash](Connection& db) -> std::optional<PersonalAccessToken> {
    auto query = db.prepare(std::string(k_columns) + " WHERE token_hash = ?1");
    query.bind_all(Blob{token_hash});
    if (!query.step()) return std::nullopt;
    return read_token(query);
  };
  co_return co_await read("find personal access token", fn);
}

asio::awaitable<Result<std::vector<PersonalAccessToken>>> SqliteStore::list_personal_tokens(std::string subject) {
  auto fn = [&subject](Connection& db) {
    auto query = db.prepare(std::string(k_columns) + " WHERE subject = ?1 ORDER BY created_at DESC, id");
    query.bind_all(subject);
    std::vector<PersonalAccessToken> tokens;
    while (query.step()) tokens.push_back(read_token(query));
    return tokens;
  };
  co_return co_await read("list personal access tokens", fn);
}

asio::awaitable<Result<bool>> SqliteStore::revoke_personal_token(std::string id, std::string subject) {
  auto fn = [&](Connection& db) {
    // The subject guard: a user can only revoke their own tokens, whatever id they send.
    auto remove = db.prepare("DELETE FROM personal_tokens WHERE id = ?1 AND subject = ?2");
    remove.bind_all(id, subject);
    remove.run();
    return db.changes() > 0;
  };
  co_return co_await run("revoke personal access token", fn);
}

asio::awaitable<Result<bool>> SqliteStore::touch_personal_token(std::string id, UnixTime now) {
  auto fn = [&](Connection& db) {
    auto touch = db.prepare("UPDATE personal_tokens SET last_used = max(coalesce(last_used, ?2), ?2) WHERE id = ?1");
    touch.bind_all(id, now);
    touch.run();
    return db.changes() > 0;
  };
  co_return co_await run("touch personal access token", fn);
}

}  // namespace mcpedge::store::sqlite
