// Session sealing: a compact JSON payload in an AEAD box with its own purpose key.
#include "mcp/session.hpp"

#include "crypto/encoding.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace mcpedge::mcp {

namespace json = boost::json;

std::string user_key_for(std::string_view credential) {
  if (credential.empty()) return {};
  return crypto::base64url_encode(crypto::sha256(credential).substr(0, 12));
}

SessionCodec::SessionCodec(std::shared_ptr<const crypto::KeyRing> keys, std::chrono::seconds ttl)
    : keys_(std::move(keys)), ttl_(ttl) {}

std::string SessionCodec::issue(const Session& session) const {
  json::object payload{{"v", to_string(session.revision)}, {"u", session.user_key}};
  if (!session.client_capabilities.empty()) payload["c"] = session.client_capabilities;
  return crypto::seal(*keys_, crypto::Purpose::session_id, json::serialize(payload),
                      std::chrono::system_clock::now() + ttl_);
}

Expected<Session, crypto::OpenError> SessionCodec::open(std::string_view id) const {
  auto opened = crypto::open(*keys_, crypto::Purpose::session_id, id);
  if (!opened) return Unexpected{opened.error()};
  boost::system::error_code ec;
  json::value payload = json::parse(*opened, ec);
  const auto* obj = payload.if_object();
  if (ec || !obj) return Unexpected{crypto::OpenError::malformed};
  Session session;
  const auto* v = obj->if_contains("v");
  auto revision = v && v->is_string() ? parse_revision(v->as_string()) : std::nullopt;
  if (!revision) return Unexpected{crypto::OpenError::malformed};
  session.revision = *revision;
  if (const auto* u = obj->if_contains("u"); u && u->is_string()) session.user_key = u->as_string();
  if (const auto* c = obj->if_contains("c"); c && c->is_object()) session.client_capabilities = c->as_object();
  return session;
}

void TerminatedSessions::add(std::string_view id, std::chrono::seconds ttl) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (auto it = ended_.begin(); it != ended_.end();) {
    it = it->second < now ? ended_.erase(it) : std::next(it);
  }
  ended_[crypto::sha256(id)] = now + ttl;
}

bool TerminatedSessions::contains(std::string_view id) const {
  std::lock_guard lock(mutex_);
  return ended_.contains(crypto::sha256(id));
}

}  // namespace mcpedge::mcp
