// Routes requests by path and method: exact paths, "path or path/" pairs, and prefixes.
#pragma once

#include "http/message.hpp"

#include <map>
#include <string>
#include <vector>

namespace mcpedge::http {

class Router {
 public:
  // Exactly `path`.
  Router& exact(Verb method, std::string path, Handler handler);
  // `path` and `path/`, both served directly, never redirected.
  Router& exact_or_trailing_slash(Verb method, std::string path, Handler handler);
  // Every path that starts with `prefix` (longest prefix wins); the handler checks the method.
  Router& prefix(std::string prefix, Handler handler);

  // 404 for unknown paths, 405 with `Allow` for a known path and another method.
  asio::awaitable<Reply> operator()(Incoming& incoming) const;

 private:
  std::map<std::string, std::map<Verb, Handler>, std::less<>> exact_;
  std::vector<std::pair<std::string, Handler>> prefixes_;
};

}  // namespace mcpedge::http
