// Checks of individual setting values (listen address, origins, URLs, hosts, header names) and header maps.
#include "config/checks.hpp"

#include "config/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace mcpedge::config::detail {

namespace {

bool all_of(string_view s, bool (*pred)(char)) { return !s.empty() && std::all_of(s.begin(), s.end(), pred); }

// RFC 9110 §5.6.2: header names are tokens.
bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

// ---------------------------------------------------------------------------------------------
// Checks of individual values; each returns what is wrong and what to do, or nothing.

struct UrlParts {
  std::string scheme;     // lower-case
  std::string authority;  // host[:port]
  std::string rest;       // path, query and fragment
};

std::optional<UrlParts> split_url(string_view url) {
  auto sep = url.find("://");
  if (sep == string_view::npos || sep == 0) return std::nullopt;
  UrlParts parts{ascii_lower(url.substr(0, sep)), "", ""};
  if (!std::isalpha(static_cast<unsigned char>(parts.scheme[0])) ||
      !std::all_of(parts.scheme.begin(), parts.scheme.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      }))
    return std::nullopt;
  string_view after = url.substr(sep + 3);
  auto end = after.find_first_of("/?#");
  parts.authority = std::string(after.substr(0, end));
  if (end != string_view::npos) parts.rest = std::string(after.substr(end));
  return parts;
}

// host[:port] with a non-empty host, an optional numeric port, no user info and no spaces.
std::optional<std::string> check_authority(string_view authority) {
  if (authority.empty()) return "has no host";
  if (authority.find_first_of("@ \t") != string_view::npos) return "may not contain user info or spaces";
  string_view host = authority;
  std::optional<string_view> port;
  if (authority[0] == '[') {
    auto close = authority.find(']');
    if (close == string_view::npos) return "has an unclosed [ in the host";
    host = authority.substr(0, close + 1);
    string_view tail = authority.substr(close + 1);
    if (!tail.empty() && tail[0] != ':') return "has text after the ] of the host";
    if (!tail.empty()) port = tail.substr(1);
  } else if (auto colon = authority.find(':'); colon != string_view::npos) {
    if (authority.find(':', colon + 1) != string_view::npos)
      return "has more than one colon; write an IPv6 host in brackets, like [::1]:8080";
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return "has no host";
  if (port && (!all_of(*port, is_digit) || port->size() > 5 || std::stoi(std::string(*port)) > 65535))
    return "has a port that is not a number from 0 to 65535";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_listen(string_view listen) {
  if (listen.find(':') == string_view::npos || listen.back() == ':')
    return "must be host:port, got " + quoted(listen) +
           "; write 127.0.0.1:8080 (local) or 0.0.0.0:8080 (all interfaces)";
  if (auto why = check_authority(listen))
    return "must be host:port, but " + quoted(listen) + " " + *why + "; write it like 127.0.0.1:8080";
  return std::nullopt;
}

// "https://x.example/" -> "https://x.example"; errors for a path, query, user info or other scheme.
std::optional<std::string> check_origin(std::string& value, bool http_only) {
  auto parts = split_url(value);
  string_view example = http_only ? "https://mcp.example.com" : "https://claude.ai";
  if (!parts) return "must be an origin such as " + std::string(example) + ", got " + quoted(value);
  if (http_only && parts->scheme != "http" && parts->scheme != "https")
    return "must use http or https, got " + quoted(value) + "; write it like " + std::string(example);
  if (auto why = check_authority(parts->authority))
    return quoted(value) + " " + *why + "; write it like " + std::string(example);
  std::string origin = parts->scheme + "://" + ascii_lower(parts->authority);
  if (!parts->rest.empty() && !(http_only && parts->rest == "/"))
    return "must be an origin without a path, got " + quoted(value) + "; write " + quoted(origin);
  value = origin;
  return std::nullopt;
}

std::optional<std::string> check_base_url(std::string& value) {
  auto parts = split_url(value);
  if (!parts || (parts->scheme != "http" && parts->scheme != "https"))
    return "must be an http(s) URL such as https://api.example.com/v1, got " + quoted(value);
  if (auto why = check_authority(parts->authority))
    return quoted(value) + " " + *why + "; write it like https://api.example.com/v1";
  if (parts->rest.find_first_of("?#") != std::string::npos)
    return "may not contain a query or fragment, got " + quoted(value) +
           "; put query parameters in the tools' http.query";
  while (!value.empty() && value.back() == '/') value.pop_back();
  return std::nullopt;
}

std::optional<std::string> check_host(string_view host) {
  if (host.find('/') != string_view::npos)
    return "must be a host name with an optional port such as mcp.example.com, got " + quoted(host) +
           "; drop the scheme and path";
  if (auto why = check_authority(host)) return quoted(host) + " " + *why + "; write it like mcp.example.com:443";
  return std::nullopt;
}

std::optional<std::string> check_header_name(string_view name) {
  if (!all_of(name, is_token_char)) return "invalid header name " + quoted(name) + "; use letters, digits and - only";
  return std::nullopt;
}

// Header maps keep document order; names must be tokens and values may not break the line.
std::optional<std::vector<std::pair<std::string, std::string>>> read_headers(Reader& r, const Field& f) {
  auto list = r.entries(f);
  if (!list) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> out;
  bool ok = true;
  for (const auto& [name, value] : *list) {
    if (auto why = check_header_name(name)) {
      r.error(value, *why);
      ok = false;
      continue;
    }
    if (absent(value.node)) {
      r.error(value, "has no value; write the header value, or quote an empty one as \"\"");
      ok = false;
      continue;
    }
    auto v = r.string(value);
    if (!v) {
      ok = false;
    } else if (v->find_first_of("\r\n") != std::string::npos) {
      r.error(value, "a header value may not contain line breaks; put it on one line");
      ok = false;
    } else {
      out.emplace_back(name, std::move(*v));
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace mcpedge::config::detail
