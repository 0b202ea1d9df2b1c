// The replies the authorization server's endpoints share.
#include "oauth/endpoint_support.hpp"

#include <boost/json.hpp>

namespace mcpedge::oauth::detail {

http::Reply no_store(http::Reply reply) {
  reply.head.set(http::Field::cache_control, "no-store");
  reply.head.set(http::Field::pragma, "no-cache");
  return reply;
}

void open_cors(http::Reply& reply) {
  reply.head.set(http::Field::access_control_allow_origin, "*");
  reply.head.set(http::Field::access_control_expose_headers, "WWW-Authenticate");
}

http::Reply oauth_error(http::Status status, std::string error, std::string description) {
  boost::json::object body{{"error", std::move(error)}};
  if (!description.empty()) body["error_description"] = std::move(description);
  http::Reply reply = no_store(http::json_reply(status, boost::json::serialize(body)));
  open_cors(reply);
  if (status == http::Status::unauthorized) reply.head.set(http::Field::www_authenticate, "Basic realm=\"mcpedge\"");
  return reply;
}

http::Reply token_reply(std::string body) {
  http::Reply reply = no_store(http::json_reply(http::Status::ok, std::move(body)));
  open_cors(reply);
  return reply;
}

}  // namespace mcpedge::oauth::detail
