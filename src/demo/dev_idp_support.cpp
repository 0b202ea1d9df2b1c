// The development IdP's shared pieces: OAuth JSON replies, sealed payloads, the grant, the used-code set.
#include "demo/dev_idp_support.hpp"

#include "crypto/encoding.hpp"
#include "crypto/sealed_box.hpp"

namespace mcpedge::demo::detail {

namespace {

std::int64_t unix_seconds(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

Reply no_store_json(Status status, const json::object& body) {
  Reply reply = http::json_reply(status, json::serialize(body));
  reply.head.set(http::Field::cache_control, "no-store");
  reply.head.set(http::Field::pragma, "no-cache");
  return reply;
}

Reply oauth_error(Status status, string_view error, string_view description) {
  return no_store_json(status, json::object{{"error", error}, {"error_description", description}});
}

std::string seal_payload(const IdpContext& ctx, string_view type, json::object payload, Clock::time_point expires_at) {
  payload["t"] = type;
  payload["exp"] = unix_seconds(expires_at);
  return crypto::seal(ctx.keys, crypto::Purpose::dev_idp, json::serialize(payload), expires_at);
}

Expected<json::object, std::string> open_payload(const IdpContext& ctx, string_view type, string_view sealed) {
  auto plain = crypto::open(ctx.keys, crypto::Purpose::dev_idp, sealed, ctx.now);
  if (!plain)
    return Unexpected{std::string(plain.error() == crypto::OpenError::expired ? "expired" : "not issued here")};
  boost::system::error_code ec;
  json::value value = json::parse(*plain, ec);
  if (ec || !value.is_object()) return Unexpected{std::string("not issued here")};
  const json::value* t = value.as_object().if_contains("t");
  if (!t || !t->is_string() || t->as_string() != type) return Unexpected{std::string("not issued here")};
  return std::move(value.as_object());
}

std::string member_text(const json::object& o, string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::object Grant::payload() const {
  return json::object{{"sub", sub}, {"name", name}, {"orgs", orgs}, {"client_id", client_id}, {"scope", scope}};
}

Grant Grant::from(const json::object& payload) {
  Grant g{member_text(payload, "sub"),
          member_text(payload, "name"),
          {},
          member_text(payload, "client_id"),
          member_text(payload, "scope")};
  if (const json::value* orgs = payload.if_contains("orgs"); orgs && orgs->is_array()) g.orgs = orgs->as_array();
  return g;
}

std::string trim(string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1));
}

std::vector<string_view> scope_tokens(string_view scope) {
  std::vector<string_view> tokens;
  std::size_t pos = 0;
  while (pos < scope.size()) {
    std::size_t end = scope.find(' ', pos);
    if (end == string_view::npos) end = scope.size();
    if (end > pos) tokens.push_back(scope.substr(pos, end - pos));
    pos = end + 1;
  }
  return tokens;
}

bool is_pkce_value(string_view value, std::size_t min, std::size_t max) {
  if (value.size() < min || value.size() > max) return false;
  return std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
  });
}

bool UsedCodes::first_use(string_view code, Clock::time_point expires_at, Clock::time_point now) {
  std::string key = crypto::sha256(code);
  std::lock_guard lock(mutex_);
  std::erase_if(seen_, [now](const auto& entry) { return entry.second < now; });
  return seen_.emplace(std::move(key), expires_at).second;
}

}  // namespace mcpedge::demo::detail
