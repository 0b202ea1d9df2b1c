// The pass-through authenticator and the scope hierarchy.
#include "mcp/caller.hpp"

#include "mcp/jsonrpc.hpp"
#include "mcp/session.hpp"
#include "mcp/wire.hpp"

namespace mcpedge::mcp {

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

boost::asio::awaitable<Expected<Caller, http::Reply>> PassThroughAuthenticator::authenticate(
    const http::Request& request) const {
  Caller caller;
  caller.credential = credential_of(request);
  if (required_ && caller.credential.empty()) co_return Unexpected{credential_required()};
  caller.user = user_key_for(caller.credential);
  co_return caller;
}

http::Reply PassThroughAuthenticator::insufficient_scope(const std::vector<std::string>& needed) const {
  std::string list;
  for (const auto& scope : needed) list += (list.empty() ? "" : " ") + scope;
  return refusal(http::Status::forbidden, k_invalid_request, "this operation needs the scopes: " + list);
}

}  // namespace mcpedge::mcp
