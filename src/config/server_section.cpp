// Reads the server section: listen address, public URL, identity, origins and hosts, sessions, cache and limits.
#include "config/checks.hpp"
#include "config/sections.hpp"
#include "config/text.hpp"

namespace mcpedge::config::detail {

void read_server(Reader& r, const Section& s, ServerConfig& out) {
  if (auto f = s.get("listen")) {
    if (auto v = r.string(*f)) {
      if (auto why = check_listen(*v))
        r.error(*f, *why);
      else
        out.listen = *v;
    }
  }
  out.public_url = "http://" + out.listen;
  if (auto f = s.get("public_url")) {
    if (auto v = r.string(*f)) {
      if (auto why = check_origin(*v, true))
        r.error(*f, *why);
      else
        out.public_url = *v;
    }
  }
  s.read("threads", out.threads, 0, 1024);
  s.read("name", out.name);
  s.read("title", out.title);
  s.read("version", out.version);
  s.read("instructions", out.instructions);
  if (out.name.empty())
    r.error(s.at().line, child_key(s.at().key, "name"), "may not be empty; give the server a name such as acme-mcp");

  if (auto f = s.get("allowed_origins")) {
    if (auto list = r.items(*f)) {
      for (const auto& item : *list) {
        auto v = r.string(item);
        if (!v) continue;
        if (auto why = check_origin(*v, false))
          r.error(item, *why);
        else
          out.allowed_origins.push_back(*v);
      }
    }
  }
  if (auto f = s.get("allowed_hosts")) {
    if (auto list = r.items(*f)) {
      for (const auto& item : *list) {
        auto v = r.string(item);
        if (!v) continue;
        if (auto why = check_host(*v))
          r.error(item, *why);
        else
          out.allowed_hosts.push_back(ascii_lower(*v));
      }
    }
  }
  s.read("sessions", out.sessions);
  s.read("session_ttl_s", out.session_ttl, 1);
  s.read("page_size", out.page_size, 1, 10000);

  auto cache = s.section("cache", {"ttl_ms", "scope"});
  cache.read("ttl_ms", out.cache.ttl_ms, 0);
  if (auto f = cache.get("scope")) {
    if (auto v = r.string(*f)) {
      if (*v == "public" || *v == "private")
        out.cache.scope = *v;
      else
        r.error(*f, "must be \"public\" or \"private\", got " + quoted(*v) +
                        "; use private when replies depend on the caller");
    }
  }

  auto limits = s.section("limits", {"max_body_bytes", "max_header_bytes", "idle_timeout_ms", "read_timeout_ms",
                                     "write_timeout_ms", "drain_timeout_ms"});
  limits.read("max_body_bytes", out.max_body_bytes, 1);
  limits.read("max_header_bytes", out.max_header_bytes, 1);
  limits.read("idle_timeout_ms", out.idle_timeout, 1);
  limits.read("read_timeout_ms", out.read_timeout, 1);
  limits.read("write_timeout_ms", out.write_timeout, 1);
  limits.read("drain_timeout_ms", out.drain_timeout, 0);

  auto sse = s.section("sse", {"keepalive_ms", "retry_ms"});
  sse.read("keepalive_ms", out.sse_keepalive, 1);
  sse.read("retry_ms", out.sse_retry, 0);
}

}  // namespace mcpedge::config::detail
