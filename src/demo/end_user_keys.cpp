// End-user API keys as PropelAuth mints them: created and deleted with the admin key, stored hashed, shown by /whoami.
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "demo/api_support.hpp"
#include "demo/handlers.hpp"

namespace mcpedge::demo::detail {

namespace {

constexpr string_view k_token_prefix = "wf_user_";  // like the admin key's "wf_demo_"
constexpr std::size_t k_max_metadata_bytes = 4096;
// 9999-12-31T23:59:59Z: beyond it the milliseconds would not be a date anyone means.
constexpr std::int64_t k_max_expiry_s = 253402300799;

// An optional field sent as null counts as absent, as it does for PropelAuth's API.
void drop_nulls(json::object& body) {
  for (string_view name : {"org_id", "expires_at_seconds", "metadata"}) {
    if (auto* value = body.if_contains(name); value && value->is_null()) body.erase(name);
  }
}

Result<std::optional<std::int64_t>> expiry_field(const json::object& body, std::int64_t now_ms) {
  const json::value* value = body.if_contains("expires_at_seconds");
  if (!value) return std::optional<std::int64_t>();
  std::int64_t seconds = 0;
  if (value->is_int64())
    seconds = value->as_int64();
  else if (value->is_uint64() && value->as_uint64() <= static_cast<std::uint64_t>(k_max_expiry_s))
    seconds = static_cast<std::int64_t>(value->as_uint64());
  else
    return bad_request("field \"expires_at_seconds\" must be an integer (Unix time in seconds), got " +
                           json::serialize(*value).substr(0, 40),
                       "send e.g. \"expires_at_seconds\": " + std::to_string(now_ms / 1000 + 86400) +
                           " or leave it out for a key that never expires");
  if (seconds > k_max_expiry_s)
    return bad_request("field \"expires_at_seconds\" is after the year 9999", "send a Unix time in seconds");
  if (seconds <= now_ms / 1000)
    return bad_request("field \"expires_at_seconds\" (" + std::to_string(seconds) + ") is not in the future; now is " +
                           std::to_string(now_ms / 1000),
                       "send a later Unix time in seconds, or leave it out for a key that never expires");
  return std::optional<std::int64_t>(seconds * 1000);
}

Result<std::optional<std::string>> metadata_field(const json::object& body) {
  const json::value* value = body.if_contains("metadata");
  if (!value) return std::optional<std::string>();
  if (!value->is_object())
    return bad_request("field \"metadata\" must be a JSON object, got " + json::serialize(*value).substr(0, 40),
                       "send e.g. \"metadata\": {\"created_by\": \"mcpedge\"}");
  std::string text = json::serialize(*value);
  if (text.size() > k_max_metadata_bytes)
    return bad_request("field \"metadata\" is larger than " + std::to_string(k_max_metadata_bytes) + " bytes",
                       "keep only what identifies the key");
  return std::optional<std::string>(std::move(text));
}

std::string token_hash(string_view token) { return crypto::sha256(token); }

}  // namespace

asio::awaitable<Reply> mint_end_user_key(Call& c) {
  auto body = object_body(c);
  if (!body) co_return reply_error(body.error());
  constexpr std::array<string_view, 4> k_fields = {"user_id", "org_id", "expires_at_seconds", "metadata"};
  if (auto bad = unknown_field(*body, k_fields)) co_return reply_error(*bad);
  drop_nulls(*body);
  auto user_id = string_field(*body, "user_id", k_max_name);
  if (!user_id) co_return reply_error(user_id.error());
  if (!*user_id)
    co_return reply_error(Status::bad_request, "field \"user_id\" is required",
                          "send \"user_id\": \"<the user's id at your identity provider>\"");
  auto org_id = string_field(*body, "org_id", k_max_name);
  if (!org_id) co_return reply_error(org_id.error());
  auto expires_at = expiry_field(*body, c.now_ms);
  if (!expires_at) co_return reply_error(expires_at.error());
  auto metadata = metadata_field(*body);
  if (!metadata) co_return reply_error(metadata.error());

  const std::string token = std::string(k_token_prefix) + crypto::base64url_encode(crypto::random_bytes(24));
  const std::string id = new_id("key_");
  const std::string hash = token_hash(token);
  const std::int64_t now = c.now_ms;
  auto insert = [&](Sql& db) {
    db.prepare(
          "INSERT INTO end_user_api_keys (id, token_hash, user_id, org_id, metadata, created_at, expires_at)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind_all(id, store::sqlite::Blob{hash}, **user_id, *org_id, *metadata, now, *expires_at)
        .run();
  };
  co_await c.db.run(insert);
  co_return reply_json(Status::created, json::object{{"api_key_id", id}, {"api_key_token", token}});
}

asio::awaitable<Reply> delete_end_user_key(Call& c) {
  const std::string& id = c.params[0];
  auto query = [&](Sql& db) -> Result<json::object> {
    db.prepare("DELETE FROM end_user_api_keys WHERE id = ?1").bind_all(id).run();
    if (db.changes() == 0)
      return not_found("end-user API key", id, "use the api_key_id that POST /end_user_api_keys returned");
    return json::object{{"api_key_id", id}, {"deleted", true}};
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> whoami(Call& c) { co_return reply_json(Status::ok, caller_json(c.caller)); }

asio::awaitable<Reply> whoami_last(Call& c) {
  const std::optional<Caller> last = c.api.last_caller();
  if (!last)
    co_return reply_error(Status::not_found, "no authenticated request yet",
                          "call any other endpoint first; this one reports the caller of the one before it");
  co_return reply_json(Status::ok, caller_json(*last));
}

asio::awaitable<Result<Caller>> find_end_user_key(Database& db, string_view token, std::int64_t now_ms) {
  const std::string hash = token_hash(token);
  const std::string prefix(token.substr(0, 12));
  auto query = [&](Sql& sql) -> Result<Caller> {
    auto s = sql.prepare("SELECT id, user_id, org_id, expires_at FROM end_user_api_keys WHERE token_hash = ?1");
    s.bind_all(store::sqlite::Blob{hash});
    if (!s.step())
      return failure(Status::unauthorized, "invalid API key",
                     "use the key that `mcpedge demo` printed at start-up, or one minted with POST /end_user_api_keys");
    if (auto expires = s.optional_int64(3); expires && *expires <= now_ms)
      return failure(Status::unauthorized, "API key expired",
                     "mint a new one with POST /end_user_api_keys (admin key)");
    return Caller{Caller::Kind::end_user, s.text(0), s.text(1), s.optional_text(2).value_or(""), prefix};
  };
  co_return co_await db.run(query);
}

}  // namespace mcpedge::demo::detail
