// OriginPolicy: exact origin matches, plus loopback names for a loopback listener.
#include "mcp/origin.hpp"
#include "base/ascii.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>

namespace mcpedge::mcp {

namespace {

// "host:port" or "[::1]:port" -> host, lower-cased, brackets kept for IPv6.
std::string host_part(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    return ascii_lower(authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1));
  }
  return ascii_lower(authority.substr(0, authority.find(':')));
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  // Only literal addresses: "127.evil.example" is a name its owner can point anywhere.
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && address.is_loopback();
}

OriginPolicy::OriginPolicy(const config::ServerConfig& server, bool loopback) : loopback_(loopback) {
  if (!server.public_url.empty()) origins_.push_back(ascii_lower(server.public_url));
  for (const auto& o : server.allowed_origins) origins_.push_back(ascii_lower(o));
  for (const auto& h : server.allowed_hosts) hosts_.push_back(ascii_lower(h));
}

std::optional<std::string> OriginPolicy::check(const http::Request& request) const {
  std::string_view host = http::header(request, http::Field::host);
  std::string host_name = host_part(host);
  if (!hosts_.empty()) {
    bool ok = std::find(hosts_.begin(), hosts_.end(), ascii_lower(host)) != hosts_.end() ||
              std::find(hosts_.begin(), hosts_.end(), host_name) != hosts_.end();
    if (!ok) return "Host \"" + std::string(host) + "\" is not served here (server.allowed_hosts)";
  } else if (loopback_ && !host.empty() && !is_loopback_host(host_name)) {
    return "Host \"" + std::string(host) + "\" is not a loopback name; this local server only answers to localhost";
  }
  std::string_view origin = http::header(request, http::Field::origin);
  if (origin.empty()) return std::nullopt;  // non-browser clients send none
  std::string o = ascii_lower(origin);
  if (std::find(origins_.begin(), origins_.end(), o) != origins_.end()) return std::nullopt;
  if (loopback_) {
    // An Origin is scheme://host[:port] and nothing more (RFC 6454 §7). It is read by hand because
    // Boost.URL 1.81 splits "http://127.0.0.1.evil.com" into host 127.0.0.1 and a path
    // (boostorg/url#755), which would let that page through.
    std::string_view rest = o;
    bool web_scheme = rest.starts_with("http://") || rest.starts_with("https://");
    rest.remove_prefix(rest.find("://") == std::string_view::npos ? rest.size() : rest.find("://") + 3);
    bool plain_authority = !rest.empty() && rest.find_first_of("/?#@\\") == std::string_view::npos;
    if (web_scheme && plain_authority && is_loopback_host(host_part(rest))) return std::nullopt;
  }
  return "Origin \"" + std::string(origin) + "\" is not allowed (server.allowed_origins)";
}

}  // namespace mcpedge::mcp
