// Router: a map lookup per request; the trailing-slash twin is registered once, by rule.
#include "http/router.hpp"

#include <algorithm>

namespace mcpedge::http {

Router& Router::exact(Verb method, std::string path, Handler handler) {
  exact_[std::move(path)][method] = std::move(handler);
  return *this;
}

Router& Router::exact_or_trailing_slash(Verb method, std::string path, Handler handler) {
  exact(method, path + "/", handler);
  return exact(method, std::move(path), std::move(handler));
}

Router& Router::prefix(std::string prefix, Handler handler) {
  prefixes_.emplace_back(std::move(prefix), std::move(handler));
  std::sort(prefixes_.begin(), prefixes_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return *this;
}

asio::awaitable<Reply> Router::operator()(Incoming& incoming) const {
  if (auto it = exact_.find(incoming.path); it != exact_.end()) {
    const auto& by_method = it->second;
    if (auto h = by_method.find(incoming.request.method()); h != by_method.end()) {
      co_return co_await h->second(incoming);
    }
    std::string allow;
    for (const auto& [verb, handler] : by_method) {
      if (!allow.empty()) allow += ", ";
      allow += bhttp::to_string(verb);
    }
    Reply reply = error_reply(Status::method_not_allowed,
                              std::string(incoming.request.method_string()) + " is not served here; allowed: " + allow);
    reply.head.set(Field::allow, allow);
    co_return reply;
  }
  for (const auto& [prefix, handler] : prefixes_) {
    if (incoming.path.starts_with(prefix)) co_return co_await handler(incoming);
  }
  co_return error_reply(Status::not_found, "no such path: " + std::string(incoming.path));
}

}  // namespace mcpedge::http
