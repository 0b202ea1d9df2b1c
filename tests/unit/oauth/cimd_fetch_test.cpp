// fetch_cimd against a small HTTP server on 127.0.0.1: validation, redirects, SSRF guard, limits.
#include "oauth/cimd.hpp"

#include <gtest/gtest.h>
#include <boost/asio.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace mcpedge::oauth {
namespace {

namespace asio = boost::asio;

// Answers GETs from a table of raw responses keyed by path, one connection at a time, each closed
// after its response. Unknown paths get 404.
class DocumentServer {
 public:
  DocumentServer() : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~DocumentServer() {
    stopping_ = true;
    boost::system::error_code ec;
    asio::ip::tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ec);  // unblocks accept()
    thread_.join();
  }

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  unsigned short port() const { return port_; }
  int requests() const { return requests_; }

  void route(const std::string& path, std::string response) {
    std::lock_guard lock(mutex_);
    routes_[path] = std::move(response);
  }
  void json(const std::string& path, const std::string& body, const std::string& headers = "") {
    route(path, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n" + headers + "Connection: close\r\n\r\n" + body);
  }
  void redirect(const std::string& path, const std::string& location) {
    route(path, "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  }

 private:
  void serve() {
    while (true) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      std::string data;
      asio::read_until(socket, asio::dynamic_buffer(data), "\r\n\r\n", ec);
      if (ec) continue;
      ++requests_;
      auto first_space = data.find(' ');
      std::string path = data.substr(first_space + 1, data.find(' ', first_space + 1) - first_space - 1);
      std::string response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      {
        std::lock_guard lock(mutex_);
        if (auto it = routes_.find(path); it != routes_.end()) response = it->second;
      }
      asio::write(socket, asio::buffer(response), ec);
      socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_ = false;
  std::atomic<int> requests_ = 0;
  std::mutex mutex_;
  std::map<std::string, std::string> routes_;
  std::thread thread_;
};

std::string document_for(const std::string& client_id) {
  return R"({"client_id": ")" + client_id +
         R"(", "client_name": "Test Client", "redirect_uris": ["http://127.0.0.1/callback"],
            "token_endpoint_auth_method": "none"})";
}

// Only what the tests need: http (no TLS here) and the test server's loopback address, nothing else.
CimdFetchOptions loopback_only() {
  CimdFetchOptions options;
  options.allow_insecure = true;
  options.allowed_addresses = {asio::ip::make_address("127.0.0.1")};
  return options;
}

// Expected has no default constructor, which asio::use_future needs; park the result instead.
template <class T>
asio::awaitable<void> store_into(std::optional<T>& out, asio::awaitable<T> operation) {
  out.emplace(co_await std::move(operation));
}

Expected<CimdDocument, ClientError> fetch(std::string url, CimdFetchOptions options) {
  asio::io_context loop;
  http::HttpClient client(loop);
  asio::ip::tcp::resolver resolver(loop);
  std::optional<Expected<CimdDocument, ClientError>> result;
  asio::co_spawn(loop, store_into(result, fetch_cimd(client, std::move(url), resolver, std::move(options))),
                 asio::detached);
  loop.run();
  return std::move(*result);
}

std::string description(const Expected<CimdDocument, ClientError>& result) {
  return result ? "fetched" : result.error().error + ": " + result.error().error_description;
}

TEST(FetchCimd, FetchesValidatesAndReportsTheCacheLifetime) {
  DocumentServer server;
  const std::string url = server.origin() + "/oauth/client.json";
  server.json("/oauth/client.json", document_for(url), "Cache-Control: max-age=600\r\n");
  auto result = fetch(url, loopback_only());
  ASSERT_TRUE(result) << description(result);
  EXPECT_EQ(result->client.client_id, url);
  EXPECT_EQ(result->client.kind, ClientKind::metadata_document);
  EXPECT_EQ(result->client.client_name, "Test Client");
  EXPECT_EQ(result->cache_lifetime, std::chrono::seconds(600));
}

TEST(FetchCimd, LoopbackIsRefusedBeforeAnyConnectionUnlessAllowed) {
  DocumentServer server;
  const std::string url = server.origin() + "/client.json";
  server.json("/client.json", document_for(url));
  CimdFetchOptions options;
  options.allow_insecure = true;
  auto result = fetch(url, options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().error, "invalid_client");
  EXPECT_NE(result.error().error_description.find("127.0.0.1, a loopback (127.0.0.0/8) address"), std::string::npos)
      << description(result);
  EXPECT_EQ(server.requests(), 0);
}

TEST(FetchCimd, HostNamesAreResolvedCheckedAndPinned) {
  DocumentServer server;
  const std::string url = "http://localhost:" + std::to_string(server.port()) + "/client.json";
  server.json("/client.json", document_for(url));
  CimdFetchOptions guarded;
  guarded.allow_insecure = true;
  auto refused = fetch(url, guarded);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().error_description.find("loopback"), std::string::npos) << description(refused);
  EXPECT_EQ(server.requests(), 0);

  CimdFetchOptions open;
  open.allow_insecure = true;
  open.allow_private = true;
  auto fetched = fetch(url, open);
  ASSERT_TRUE(fetched) << description(fetched);
  EXPECT_EQ(fetched->client.client_id, url);
}

TEST(FetchCimd, PlainHttpIsRefusedUnlessAllowedForTests) {
  DocumentServer server;
  const std::string url = server.origin() + "/client.json";
  server.json("/client.json", document_for(url));
  CimdFetchOptions options;
  options.allow_private = true;
  auto result = fetch(url, options);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().error_description.find("https URL with a path"), std::string::npos) << description(result);
  EXPECT_EQ(server.requests(), 0);
}

TEST(FetchCimd, FollowsRedirectsItselfAndTheDocumentNamesTheOriginalUrl) {
  DocumentServer server;
  const std::string url = server.origin() + "/client.json";
  server.redirect("/client.json", "/v2/client.json");
  server.redirect("/v2/client.json", server.origin() + "/v3/client.json");
  server.json("/v3/client.json", document_for(url));
  auto result = fetch(url, loopback_only());
  ASSERT_TRUE(result) << description(result);
  EXPECT_EQ(result->client.client_id, url);
  EXPECT_EQ(server.requests(), 3);
}

TEST(FetchCimd, RedirectToABlockedAddressIsRefusedAtThatHop) {
  DocumentServer server;
  const std::string url = server.origin() + "/client.json";
  // 127.0.0.2 reaches the same machine, but only 127.0.0.1 (the first hop) is allowed.
  server.redirect("/client.json", "http://127.0.0.2:" + std::to_string(server.port()) + "/client.json");
  server.redirect("/metadata", "http://169.254.169.254/latest/meta-data/");
  auto result = fetch(url, loopback_only());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().error, "invalid_client");
  EXPECT_NE(result.error().error_description.find("127.0.0.2, a loopback"), std::string::npos) << description(result);
  EXPECT_EQ(server.requests(), 1);

  auto metadata = fetch(server.origin() + "/metadata", loopback_only());
  ASSERT_FALSE(metadata);
  EXPECT_NE(metadata.error().error_description.find("169.254.169.254, a link-local"), std::string::npos)
      << description(metadata);
}

TEST(FetchCimd, RedirectToAnotherSchemeIsRefused) {
  DocumentServer server;
  server.redirect("/client.json", "ftp://127.0.0.1/client.json");
  auto result = fetch(server.origin() + "/client.json", loopback_only());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().error_description.find("must be fetched over https"), std::string::npos)
      << description(result);
}

TEST(FetchCimd, AtMostThreeRedirects) {
  DocumentServer server;
  server.redirect("/loop", "/loop");
  auto result = fetch(server.origin() + "/loop", loopback_only());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().error_description.find("redirects more than 3 times"), std::string::npos)
      << description(result);
  EXPECT_EQ(server.requests(), 4);
}

TEST(FetchCimd, RefusesOversizedMissingMalformedAndMismatchedDocuments) {
  DocumentServer server;
  const std::string origin = server.origin();
  server.json("/big.json", std::string(20000, ' ') + document_for(origin + "/big.json"));
  server.json("/bad.json", "{\"client_id\":");
  server.json("/other.json", document_for(origin + "/another.json"));
  const std::pair<const char*, const char*> cases[] = {
      {"/big.json", "larger than 16384 bytes"},
      {"/missing.json", "answered HTTP 404"},
      {"/bad.json", "is not valid JSON"},
      {"/other.json", "\"client_id\" equal to that URL"},
  };
  for (const auto& [path, mentions] : cases) {
    auto result = fetch(origin + path, loopback_only());
    ASSERT_FALSE(result) << path;
    EXPECT_EQ(result.error().error, "invalid_client") << path;
    EXPECT_NE(result.error().error_description.find(mentions), std::string::npos)
        << path << ": " << description(result);
  }
}

TEST(FetchCimd, GivesUpAtTheDeadline) {
  // Accepts connections (the kernel completes the handshake) but never answers.
  asio::io_context io;
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  CimdFetchOptions options = loopback_only();
  options.timeout = std::chrono::milliseconds(300);
  const auto started = std::chrono::steady_clock::now();
  auto result = fetch("http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/client.json", options);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().error_description.find("timeout"), std::string::npos) << description(result);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

// The two HttpClient options the guard relies on.
TEST(OutboundRequestPinning, ResolvePinSendsTheNameToTheCheckedAddress) {
  DocumentServer server;
  server.json("/client.json", "{}");
  asio::io_context loop;
  http::HttpClient client(loop);
  http::OutboundRequest pinned;
  pinned.url = "http://cimd-pin.invalid:" + std::to_string(server.port()) + "/client.json";
  pinned.resolve_pin = "+cimd-pin.invalid:" + std::to_string(server.port()) + ":127.0.0.1";
  http::OutboundRequest https_only;
  https_only.url = server.origin() + "/client.json";
  https_only.https_only = true;
  std::optional<Expected<http::OutboundResponse, http::OutboundError>> pinned_response;
  std::optional<Expected<http::OutboundResponse, http::OutboundError>> refused;
  asio::co_spawn(loop, store_into(pinned_response, client.fetch(std::move(pinned))), asio::detached);
  loop.run();
  loop.restart();
  asio::co_spawn(loop, store_into(refused, client.fetch(std::move(https_only))), asio::detached);
  loop.run();
  ASSERT_TRUE(*pinned_response) << (*pinned_response).error().message;
  EXPECT_EQ((*pinned_response)->status, 200);
  ASSERT_TRUE(refused.has_value());
  EXPECT_FALSE(*refused);
  EXPECT_EQ(server.requests(), 1);
}

}  // namespace
}  // namespace mcpedge::oauth
