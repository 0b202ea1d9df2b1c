// The pass-through authenticator and the scope hierarchy.
#include "mcp/caller.hpp"

#include <algorithm>

#include "mcp/jsonrpc.hpp"
#include "mcp/session.hpp"
#include "mcp/wire.hpp"

namespace mcpedge::mcp {

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string word(text.substr(start, end - start));
    if (!word.empty() && std::find(out.begin(), out.end(), word) == out.end()) out.push_back(std::move(word));
    start = end + 1;
  }
  return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& scope : scopes) out += (out.empty() ? "" : " ") + scope;
  return out;
}

bool scope_covers(std::string_view granted, std::string_view needed) {
  if (granted.empty()) return false;
  if (granted == needed) return true;
  return needed.size() > granted.size() && needed.substr(0, granted.size()) == granted && needed[granted.size()] == ':';
}

std::vector<std::string> missing_scopes(const std::vector<std::string>& granted,
                                        const std::vector<std::string>& needed) {
  std::vector<std::string> missing;
  for (const auto& scope : needed) {
    bool covered = false;
    for (const auto& held : granted) covered = covered || scope_covers(held, scope);
    if (!covered) missing.push_back(scope);
  }
  return missing;
}

boost::asio::awaitable<Expected<Caller, http::Reply>> PassThroughAuthenticator::authenticate(http::Incoming& in) const {
  Caller caller;
  caller.credential = credential_of(in.request);
  if (required_ && caller.credential.empty()) co_return Unexpected{credential_required()};
  caller.user = user_key_for(caller.credential);
  co_return caller;
}

http::Reply PassThroughAuthenticator::insufficient_scope(const std::vector<std::string>& needed) const {
  return refusal(http::Status::forbidden, k_invalid_request, "this operation needs the scopes: " + join_scopes(needed));
}

}  // namespace mcpedge::mcp
