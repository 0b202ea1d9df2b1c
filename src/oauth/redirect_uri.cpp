// Redirect-URI classification for registration and exact matching for authorization requests.
#include "oauth/redirect_uri.hpp"
#include "base/ascii.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace mcpedge::oauth {
namespace {

// Schemes a browser resolves itself (in the page, from disk or from memory) or that name a network
// protocol rather than an application: a redirect there is never "back to the app".
constexpr std::array<std::string_view, 11> k_refused_schemes = {
    "javascript", "data", "vbscript", "file", "blob", "filesystem", "about", "view-source", "ws", "wss", "ftp"};

// RFC 8252 §7.3 names the loopback literals; §8.3 tolerates "localhost". Other 127/8 addresses and
// names such as "127.0.0.1.example.com" are not loopback redirect hosts.
bool is_loopback_redirect_host(const boost::urls::url_view& url) {
  switch (url.host_type()) {
    case boost::urls::host_type::ipv4:
      return url.encoded_host() == "127.0.0.1";
    case boost::urls::host_type::ipv6:
      return url.host_ipv6_address() == boost::urls::ipv6_address::loopback();
    case boost::urls::host_type::name:
      return ascii_lower(url.encoded_host()) == "localhost";
    default:
      return false;
  }
}

bool is_loopback_http(const boost::urls::url_view& url) {
  return ascii_lower(url.scheme()) == "http" && !url.has_userinfo() && is_loopback_redirect_host(url);
}

// Two loopback URIs that differ at most in their port (RFC 8252 §7.3). Everything else, including
// the spelling of the host, the path and the query, must be byte-identical.
bool same_except_port(const boost::urls::url_view& registered, const boost::urls::url_view& requested) {
  return registered.scheme() == requested.scheme() && registered.encoded_host() == requested.encoded_host() &&
         registered.encoded_path() == requested.encoded_path() && registered.has_query() == requested.has_query() &&
         registered.encoded_query() == requested.encoded_query();
}

}  // namespace

Expected<RedirectUriKind, std::string> classify_redirect_uri(std::string_view uri) {
  auto parsed = boost::urls::parse_uri(uri);
  if (!parsed) return Unexpected{std::string("is not an absolute URI")};
  const boost::urls::url_view& url = *parsed;
  // RFC 6749 §3.1.2: the redirection endpoint URI must not include a fragment component.
  if (url.has_fragment()) return Unexpected{std::string("must not contain a fragment (#...)")};
  if (url.has_userinfo()) return Unexpected{std::string("must not contain user information (user@host)")};
  const std::string scheme = ascii_lower(url.scheme());
  if (scheme == "https") {
    if (url.encoded_host().empty()) return Unexpected{std::string("has no host")};
    return RedirectUriKind::https;
  }
  if (scheme == "http") {
    if (url.encoded_host().empty()) return Unexpected{std::string("has no host")};
    return is_loopback_http(url) ? RedirectUriKind::loopback_http : RedirectUriKind::insecure_http;
  }
  if (std::find(k_refused_schemes.begin(), k_refused_schemes.end(), scheme) != k_refused_schemes.end()) {
    return Unexpected{"uses the scheme \"" + scheme + "\", which cannot return to an application"};
  }
  return RedirectUriKind::private_use_scheme;
}

bool redirect_allowed(const RegisteredClient& client, std::string_view requested) {
  // A fragment can never be a redirect target, even if it were (wrongly) registered.
  if (requested.find('#') != std::string_view::npos) return false;
  const auto& uris = client.redirect_uris;
  if (std::find(uris.begin(), uris.end(), requested) != uris.end()) return true;
  if (client.application_type != ApplicationType::native) return false;

  auto asked = boost::urls::parse_uri(requested);
  if (!asked || !is_loopback_http(*asked)) return false;
  return std::any_of(uris.begin(), uris.end(), [&](const std::string& uri) {
    auto registered = boost::urls::parse_uri(uri);
    return registered && is_loopback_http(*registered) && same_except_port(*registered, *asked);
  });
}

}  // namespace mcpedge::oauth
