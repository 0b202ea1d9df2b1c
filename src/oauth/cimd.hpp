// Client ID Metadata Documents: https client_ids fetched with SSRF guards, validated and cached.
#pragma once

#include "base/expected.hpp"
#include "http/client.hpp"
#include "oauth/clients.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mcpedge::oauth {

// Whether a client_id names a metadata document: an https URL with a path other than "/", and
// without fragment, user information or dot segments (draft-ietf-oauth-client-id-metadata-document §3).
bool is_cimd_client_id(std::string_view client_id);

// The client a fetched document describes. Errors are "invalid_client": the document's client_id
// must equal `url` exactly, client_name and redirect_uris must be present, the redirect URIs obey
// the registration rules, and the client must be public (token_endpoint_auth_method "none" or
// absent), since a document published on the web cannot hold a shared secret.
Expected<RegisteredClient, ClientError> validate_cimd_document(std::string_view url,
                                                               const boost::json::value& document);

struct CacheLimits {
  std::chrono::seconds floor{60};              // refetch at most this often, whatever max-age says
  std::chrono::seconds ceiling{24 * 60 * 60};  // notice a changed document within a day
  std::chrono::seconds fallback{5 * 60};       // when the response says nothing about caching
};

// How long a response may be reused (RFC 9111 §4.2.1): s-maxage, then max-age, then Expires minus
// Date (or minus `now`), clamped to the limits; no-store and no-cache give zero (fetch every time).
std::chrono::seconds cache_lifetime(const http::HeaderList& headers, std::chrono::system_clock::time_point now,
                                    const CacheLimits& limits = {});

// Why the address must not be contacted (loopback, private, link-local, CGNAT, multicast, reserved,
// and those ranges inside IPv4-mapped, NAT64 and 6to4 IPv6 addresses), or nothing when it is public.
std::optional<std::string> check_target_address(const boost::asio::ip::address& address);

struct CimdFetchOptions {
  std::chrono::milliseconds timeout{3000};  // for everything: resolution, connection and every redirect
  std::size_t max_bytes = 16 * 1024;
  int max_redirects = 3;        // followed by fetch_cimd itself, each hop checked like the first
  bool allow_insecure = false;  // tests: http:// URLs
  bool allow_private = false;   // tests: any address
  // Tests: these exact addresses pass the guard although they are private (e.g. the loopback
  // address of a test server), while every other blocked address stays blocked.
  std::vector<boost::asio::ip::address> allowed_addresses;
  CacheLimits cache;
};

struct CimdDocument {
  RegisteredClient client;
  std::chrono::seconds cache_lifetime{0};
};

// Fetches and validates the document at `url` (a client_id). Every hop's host is resolved here and
// refused if any of its addresses is blocked; the connection is then pinned to those addresses so a
// second DNS answer cannot differ (no rebinding between check and use). Must be awaited on the
// loop `client` was made for; `resolver` must live on the same loop.
boost::asio::awaitable<Expected<CimdDocument, ClientError>> fetch_cimd(http::HttpClient& client, std::string url,
                                                                       boost::asio::ip::tcp::resolver& resolver,
                                                                       CimdFetchOptions options);

// Validated documents by URL until their cache lifetime ends; shared by a worker's requests.
class CimdCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit CimdCache(std::size_t capacity = 1024) : capacity_(capacity) {}

  std::optional<RegisteredClient> find(const std::string& url, Clock::time_point now = Clock::now()) const;
  // A zero lifetime stores nothing.
  void store(const std::string& url, RegisteredClient client, std::chrono::seconds lifetime,
             Clock::time_point now = Clock::now());
  void erase(const std::string& url);
  std::size_t size() const;

 private:
  struct Entry {
    RegisteredClient client;
    Clock::time_point expires_at;
  };
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace mcpedge::oauth
