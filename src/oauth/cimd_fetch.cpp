// Fetching metadata documents without becoming an SSRF proxy: address guard, DNS pinning, redirects.
#include "oauth/cimd.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <array>

namespace mcpedge::oauth {

namespace asio = boost::asio;
namespace ip = boost::asio::ip;

namespace {

struct BlockedV4 {
  ip::network_v4 network;
  const char* name;
};
struct BlockedV6 {
  ip::network_v6 network;
  const char* name;
};

// shared/mcp-spec.md §6 "SSRF" plus the other special-purpose ranges of RFC 6890 that never host a
// public web server.
const std::vector<BlockedV4>& blocked_v4() {
  static const std::vector<BlockedV4> ranges = {
      {ip::make_network_v4("0.0.0.0/8"), "\"this network\""},
      {ip::make_network_v4("10.0.0.0/8"), "private"},
      {ip::make_network_v4("100.64.0.0/10"), "carrier-grade NAT (shared)"},
      {ip::make_network_v4("127.0.0.0/8"), "loopback"},
      {ip::make_network_v4("169.254.0.0/16"), "link-local"},
      {ip::make_network_v4("172.16.0.0/12"), "private"},
      {ip::make_network_v4("192.0.0.0/24"), "IETF protocol assignment"},
      {ip::make_network_v4("192.168.0.0/16"), "private"},
      {ip::make_network_v4("198.18.0.0/15"), "benchmarking"},
      {ip::make_network_v4("224.0.0.0/4"), "multicast"},
      {ip::make_network_v4("240.0.0.0/4"), "reserved"},
  };
  return ranges;
}

const std::vector<BlockedV6>& blocked_v6() {
  static const std::vector<BlockedV6> ranges = {
      {ip::make_network_v6("::/96"), "IPv4-compatible (deprecated)"},
      {ip::make_network_v6("64:ff9b:1::/48"), "local-use NAT64"},
      {ip::make_network_v6("100::/64"), "discard-only"},
      {ip::make_network_v6("2001::/32"), "Teredo"},
      {ip::make_network_v6("2001:db8::/32"), "documentation"},
      {ip::make_network_v6("fc00::/7"), "unique local (private)"},
      {ip::make_network_v6("fe80::/10"), "link-local"},
      {ip::make_network_v6("fec0::/10"), "site-local"},
      {ip::make_network_v6("ff00::/8"), "multicast"},
  };
  return ranges;
}

std::optional<std::string> check_v4(const ip::address_v4& address) {
  const ip::network_v4 host(address, 32);
  for (const auto& range : blocked_v4()) {
    if (host.is_subnet_of(range.network)) return std::string(range.name) + " (" + range.network.to_string() + ")";
  }
  return std::nullopt;
}

// The IPv4 address in bytes [first, first + 4) of an IPv6 address.
ip::address_v4 embedded_v4(const ip::address_v6& address, std::size_t first) {
  auto bytes = address.to_bytes();
  return ip::address_v4(ip::address_v4::bytes_type{bytes[first], bytes[first + 1], bytes[first + 2], bytes[first + 3]});
}

std::optional<std::string> check_v6(const ip::address_v6& address) {
  if (address.is_unspecified()) return std::string("unspecified (::)");
  if (address.is_loopback()) return std::string("loopback (::1)");
  // An IPv6 form that reaches an IPv4 address is judged by that IPv4 address.
  struct Embedding {
    ip::network_v6 network;
    std::size_t first_byte;
    const char* name;
  };
  static const std::array<Embedding, 3> embeddings = {{
      {ip::make_network_v6("::ffff:0:0/96"), 12, "IPv4-mapped"},
      {ip::make_network_v6("64:ff9b::/96"), 12, "NAT64"},
      {ip::make_network_v6("2002::/16"), 2, "6to4"},
  }};
  const ip::network_v6 host(address, 128);
  for (const auto& e : embeddings) {
    if (!host.is_subnet_of(e.network)) continue;
    if (auto reason = check_v4(embedded_v4(address, e.first_byte))) return *reason + " as " + e.name + " IPv6";
    return std::nullopt;
  }
  for (const auto& range : blocked_v6()) {
    if (host.is_subnet_of(range.network)) return std::string(range.name) + " (" + range.network.to_string() + ")";
  }
  return std::nullopt;
}

Unexpected<ClientError> invalid_client(std::string description) {
  return Unexpected{ClientError{"invalid_client", std::move(description)}};
}

std::chrono::milliseconds remaining(std::chrono::steady_clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
}

// getaddrinfo cannot be cancelled, so the answer is awaited only until the deadline; a late answer
// lands in `Resolution`, which the handler keeps alive, and is dropped.
struct Resolution {
  explicit Resolution(const asio::any_io_executor& executor) : done(executor) {}
  asio::steady_timer done;
  boost::system::error_code error;
  ip::tcp::resolver::results_type results;
  bool finished = false;
};

asio::awaitable<Expected<ip::tcp::resolver::results_type, std::string>> resolve_before(
    ip::tcp::resolver& resolver, std::string host, std::string port, std::chrono::steady_clock::time_point deadline) {
  auto resolution = std::make_shared<Resolution>(resolver.get_executor());
  resolution->done.expires_at(deadline);
  auto on_resolved = [resolution](boost::system::error_code ec, ip::tcp::resolver::results_type results) {
    resolution->error = ec;
    resolution->results = std::move(results);
    resolution->finished = true;
    resolution->done.cancel();
  };
  resolver.async_resolve(host, port, std::move(on_resolved));
  auto [ec] = co_await resolution->done.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;
  if (!resolution->finished) co_return Unexpected{std::string("name resolution timed out")};
  if (resolution->error) co_return Unexpected{resolution->error.message()};
  if (resolution->results.empty()) co_return Unexpected{std::string("the name has no addresses")};
  co_return std::move(resolution->results);
}

std::optional<std::string> refusal(const ip::address& address, const CimdFetchOptions& options) {
  if (options.allow_private) return std::nullopt;
  const auto& allowed = options.allowed_addresses;
  if (std::find(allowed.begin(), allowed.end(), address) != allowed.end()) return std::nullopt;
  return check_target_address(address);
}

std::string blocked_message(std::string_view url, const ip::address& address, const std::string& reason) {
  return "the client metadata document at " + std::string(url) + " is on " + address.to_string() + ", a " + reason +
         " address; metadata documents must be served from the public internet";
}

// Checks one hop's URL and addresses; answers the CURLOPT_RESOLVE pin for it ("" for IP literals,
// which curl does not resolve).
asio::awaitable<Expected<std::string, ClientError>> vet_hop(ip::tcp::resolver& resolver, std::string url,
                                                            const CimdFetchOptions& options,
                                                            std::chrono::steady_clock::time_point deadline) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) co_return invalid_client("\"" + url + "\" is not a URL");
  const bool https = parsed->scheme() == "https";
  if (!https && !(options.allow_insecure && parsed->scheme() == "http")) {
    co_return invalid_client("the client metadata document must be fetched over https, not from " + url);
  }
  if (parsed->has_userinfo() || parsed->encoded_host().empty()) {
    co_return invalid_client("\"" + url + "\" must name a host and no user information");
  }
  if (parsed->host_type() == boost::urls::host_type::ipv4 || parsed->host_type() == boost::urls::host_type::ipv6) {
    const ip::address address = parsed->host_type() == boost::urls::host_type::ipv4
                                    ? ip::address(ip::make_address_v4(parsed->host_ipv4_address().to_bytes()))
                                    : ip::address(ip::make_address_v6(parsed->host_ipv6_address().to_bytes()));
    if (auto reason = refusal(address, options)) co_return invalid_client(blocked_message(url, address, *reason));
    co_return std::string();
  }
  if (parsed->host_type() != boost::urls::host_type::name) {
    co_return invalid_client("\"" + url + "\" has no usable host");
  }
  std::string host(parsed->encoded_host());
  if (host.find('%') != std::string::npos) co_return invalid_client("\"" + url + "\" has a percent-encoded host");
  std::string port = parsed->has_port() ? std::string(parsed->port()) : std::string(https ? "443" : "80");
  auto results = co_await resolve_before(resolver, host, port, deadline);
  if (!results) {
    co_return invalid_client("the host of the client metadata document " + url +
                             " could not be resolved: " + results.error());
  }
  // Every address must pass: curl may connect to any of them.
  std::vector<ip::address> checked;
  std::string addresses;
  for (const auto& entry : *results) {
    const ip::address address = entry.endpoint().address();
    if (auto reason = refusal(address, options)) co_return invalid_client(blocked_message(url, address, *reason));
    if (std::find(checked.begin(), checked.end(), address) != checked.end()) continue;
    checked.push_back(address);
    if (!addresses.empty()) addresses += ',';
    addresses += address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  }
  // "+": the entry ages out of curl's DNS cache like a resolved one (curl >= 7.75) instead of
  // pinning this name for every later transfer of the worker.
  co_return "+" + host + ":" + port + ":" + addresses;
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

std::optional<std::string> check_target_address(const ip::address& address) {
  return address.is_v4() ? check_v4(address.to_v4()) : check_v6(address.to_v6());
}

asio::awaitable<Expected<CimdDocument, ClientError>> fetch_cimd(http::HttpClient& client, std::string url,
                                                                ip::tcp::resolver& resolver, CimdFetchOptions options) {
  const bool insecure_form = options.allow_insecure && url.starts_with("http://");
  if (!is_cimd_client_id(insecure_form ? "https://" + url.substr(7) : url)) {
    co_return invalid_client("client_id \"" + url + "\" is not an https URL with a path");
  }
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  std::string current = url;
  for (int redirects = 0;; ++redirects) {
    auto pin = co_await vet_hop(resolver, current, options, deadline);
    if (!pin) co_return Unexpected{pin.error()};
    http::OutboundRequest request;
    request.url = current;
    request.headers = {{"Accept", "application/json"}};
    request.timeout = remaining(deadline);
    request.connect_timeout = request.timeout;
    request.max_response_bytes = options.max_bytes;
    request.resolve_pin = std::move(*pin);
    request.https_only = !options.allow_insecure;
    if (request.timeout <= std::chrono::milliseconds(0)) {
      co_return invalid_client("fetching the client metadata document at " + url + " timed out");
    }
    auto response = co_await client.fetch(std::move(request));
    if (!response) {
      co_return invalid_client("fetching the client metadata document at " + current + " failed (" +
                               http::to_string(response.error().kind) + ": " + response.error().message + ")");
    }
    if (is_redirect(response->status)) {
      if (redirects >= options.max_redirects) {
        co_return invalid_client("the client metadata document at " + url + " redirects more than " +
                                 std::to_string(options.max_redirects) + " times");
      }
      auto base = boost::urls::parse_uri(current);
      auto location = boost::urls::parse_uri_reference(response->header("location"));
      boost::urls::url next;
      if (!base || !location || response->header("location").empty() || !boost::urls::resolve(*base, *location, next)) {
        co_return invalid_client("the client metadata document at " + current + " redirects without a valid Location");
      }
      next.remove_fragment();
      current = std::string(next.buffer());
      continue;
    }
    if (response->status != 200) {
      co_return invalid_client("the client metadata document at " + current + " answered HTTP " +
                               std::to_string(response->status) + "; it must answer 200 with the JSON document");
    }
    if (response->truncated) {
      co_return invalid_client("the client metadata document at " + url + " is larger than " +
                               std::to_string(options.max_bytes) + " bytes");
    }
    boost::system::error_code ec;
    boost::json::value document = boost::json::parse(response->body, ec);
    if (ec) co_return invalid_client("the client metadata document at " + url + " is not valid JSON: " + ec.message());
    auto validated = validate_cimd_document(url, document);
    if (!validated) co_return Unexpected{validated.error()};
    const auto lifetime = cache_lifetime(response->headers, std::chrono::system_clock::now(), options.cache);
    co_return CimdDocument{std::move(*validated), lifetime};
  }
}

}  // namespace mcpedge::oauth
