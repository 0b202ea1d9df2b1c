// PollRegistry: a mutex-guarded map; entries live 10 minutes.
#include "mcp/poll_registry.hpp"

#include "crypto/random.hpp"

#include <charconv>

namespace mcpedge::mcp {

namespace {
constexpr auto k_lifetime = std::chrono::minutes(10);
}

void PollRegistry::prune(std::chrono::steady_clock::time_point now) {
  for (auto it = entries_.begin(); it != entries_.end();)
    it = it->second.expires < now ? entries_.erase(it) : std::next(it);
}

std::string PollRegistry::open(std::string user_key) {
  std::string id = crypto::random_token(18);
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  prune(now);
  entries_[id] = Entry{std::move(user_key), std::nullopt, {}, now + k_lifetime};
  return id;
}

void PollRegistry::complete(const std::string& stream_id, std::string response) {
  std::vector<std::weak_ptr<http::Mailbox>> waiters;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(stream_id);
    if (it == entries_.end()) return;
    it->second.response = response;
    waiters.swap(it->second.waiters);
  }
  for (auto& weak : waiters) {
    if (auto mailbox = weak.lock()) mailbox->push(response);
  }
}

PollRegistry::Attach PollRegistry::peek(const std::string& stream_id, const std::string& user_key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(stream_id);
  if (it == entries_.end()) return Attach::unknown;
  if (it->second.user_key != user_key) return Attach::forbidden;
  return it->second.response ? Attach::ready : Attach::waiting;
}

PollRegistry::Attach PollRegistry::attach(const std::string& stream_id, const std::string& user_key,
                                          const std::shared_ptr<http::Mailbox>& mailbox, std::string& out) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(stream_id);
  if (it == entries_.end()) return Attach::unknown;
  if (it->second.user_key != user_key) return Attach::forbidden;
  if (it->second.response) {
    out = *it->second.response;
    return Attach::ready;
  }
  it->second.waiters.push_back(mailbox);
  return Attach::waiting;
}

std::optional<std::pair<std::string, int>> parse_event_id(std::string_view id) {
  auto dot = id.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  int n = 0;
  auto digits = id.substr(dot + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return std::make_pair(std::string(id.substr(0, dot)), n);
}

}  // namespace mcpedge::mcp
