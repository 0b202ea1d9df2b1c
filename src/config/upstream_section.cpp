// Reads the upstream section: the API's base URL, timeouts, fixed headers and where credentials go.
#include "config/checks.hpp"
#include "config/sections.hpp"

#include <utility>

namespace mcpedge::config::detail {

void read_upstream(Reader& r, const Section& s, UpstreamConfig& out) {
  if (auto f = s.require("base_url", "add base_url: https://api.example.com/v1 (the API the tools call)")) {
    if (auto v = r.string(*f)) {
      if (auto why = check_base_url(*v))
        r.error(*f, *why);
      else
        out.base_url = *v;
    }
  }
  s.read("timeout_ms", out.timeout, 1);
  s.read("connect_timeout_ms", out.connect_timeout, 1);
  s.read("max_response_bytes", out.max_response_bytes, 1);
  if (auto f = s.get("headers"))
    if (auto h = read_headers(r, *f)) out.headers = std::move(*h);

  auto cred = s.section("credential", {"bearer_header", "api_key_header", "allow_argument", "fallback", "required"});
  for (auto [name, target] : {std::pair{"bearer_header", &out.credential.bearer_header},
                              std::pair{"api_key_header", &out.credential.api_key_header}}) {
    if (auto f = cred.get(name)) {
      if (auto v = r.string(*f)) {
        if (auto why = check_header_name(*v))
          r.error(*f, *why);
        else
          *target = *v;
      }
    }
  }
  cred.read("allow_argument", out.credential.allow_argument);
  cred.read("fallback", out.credential.fallback);
  cred.read("required", out.credential.required);
}

}  // namespace mcpedge::config::detail
