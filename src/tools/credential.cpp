// Credential selection for upstream calls.
#include "tools/credential.hpp"

#include "tools/catalog.hpp"

#include <algorithm>
#include <cctype>

namespace mcpedge::tools {

CredentialChoice choose_credential(const config::CredentialRule& rule, const boost::json::object& arguments,
                                   std::string_view request_credential) {
  if (rule.allow_argument) {
    if (const auto* arg = arguments.if_contains(k_api_key_argument);
        arg && arg->is_string() && !arg->as_string().empty()) {
      return {std::string(arg->as_string()), CredentialChoice::Source::argument};
    }
  }
  if (!request_credential.empty()) return {std::string(request_credential), CredentialChoice::Source::request};
  if (!rule.fallback.empty()) return {rule.fallback, CredentialChoice::Source::fallback};
  return {};
}

bool is_jwt_shaped(std::string_view value) {
  int segments = 0;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto dot = value.find('.', start);
    auto segment = value.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (segment.empty()) return false;
    bool base64url = std::all_of(segment.begin(), segment.end(),
                                 [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '='; });
    if (!base64url) return false;
    ++segments;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return segments == 3;
}

void apply_credential(const config::CredentialRule& rule, std::string_view value, http::HeaderList& headers) {
  if (value.empty()) return;
  if (is_jwt_shaped(value)) {
    headers.emplace_back(rule.bearer_header, "Bearer " + std::string(value));
  } else {
    headers.emplace_back(rule.api_key_header, std::string(value));
  }
}

}  // namespace mcpedge::tools
