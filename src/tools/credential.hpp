// Which credential a tool call uses upstream, and the header it travels in.
#pragma once

#include "config/config.hpp"
#include "http/client.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace mcpedge::tools {

struct CredentialChoice {
  enum class Source { argument, request, fallback, none };
  std::string value;
  Source source = Source::none;
};

// An explicit `_api_key` argument (when the rule allows it), else the request's credential, else
// the configured fallback.
CredentialChoice choose_credential(const config::CredentialRule& rule, const boost::json::object& arguments,
                                   std::string_view request_credential);

// Three non-empty base64url segments separated by dots.
bool is_jwt_shaped(std::string_view value);

// JWT-shaped values go as `<bearer_header>: Bearer <v>`, anything else as `<api_key_header>: <v>`.
void apply_credential(const config::CredentialRule& rule, std::string_view value, http::HeaderList& headers);

}  // namespace mcpedge::tools
