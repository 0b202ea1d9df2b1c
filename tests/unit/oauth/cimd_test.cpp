// Client ID Metadata Documents: URL shape, validation, cache lifetimes, the SSRF guard and the cache.
#include "oauth/cimd.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <cctype>
#include <thread>

namespace mcpedge::oauth {
namespace {

namespace json = boost::json;
using std::chrono::seconds;

// A test name from free text: gtest allows only letters, digits and underscores.
std::string test_name(std::string text) {
  for (char& c : text) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return text;
}

TEST(IsCimdClientId, HttpsUrlWithAPathOnly) {
  EXPECT_TRUE(is_cimd_client_id("https://claude.ai/oauth/claude-code-client-metadata"));
  EXPECT_TRUE(is_cimd_client_id("https://vscode.dev/oauth/client-metadata.json"));
  EXPECT_TRUE(is_cimd_client_id("https://app.example.com:8443/client.json?v=2"));
  EXPECT_FALSE(is_cimd_client_id("https://app.example.com"));
  EXPECT_FALSE(is_cimd_client_id("https://app.example.com/"));
  EXPECT_FALSE(is_cimd_client_id("http://app.example.com/client.json"));
  EXPECT_FALSE(is_cimd_client_id("https://app.example.com/client.json#x"));
  EXPECT_FALSE(is_cimd_client_id("https://user@app.example.com/client.json"));
  EXPECT_FALSE(is_cimd_client_id("https://app.example.com/a/../client.json"));
  EXPECT_FALSE(is_cimd_client_id("https://app.example.com/./client.json"));
  EXPECT_FALSE(is_cimd_client_id("mcpc_AQIDBAUG"));
  EXPECT_FALSE(is_cimd_client_id("cursor://client.json/x"));
}

constexpr std::string_view k_url = "https://claude.ai/oauth/claude-code-client-metadata";

// Claude Code's published document: no application_type, loopback redirect without a port.
std::string document(std::string_view extra = "", std::string_view client_id = k_url) {
  return R"({"client_id": ")" + std::string(client_id) + R"(", "client_name": "Claude Code",
    "redirect_uris": ["http://localhost/callback", "http://127.0.0.1/callback"],
    "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"])" +
         std::string(extra) + "}";
}

TEST(ValidateCimdDocument, ClaudeCodesDocumentIsAPublicNativeClient) {
  auto client = validate_cimd_document(k_url, json::parse(document()));
  ASSERT_TRUE(client) << client.error().error_description;
  EXPECT_EQ(client->client_id, k_url);
  EXPECT_EQ(client->kind, ClientKind::metadata_document);
  EXPECT_EQ(client->client_name, "Claude Code");
  EXPECT_EQ(client->application_type, ApplicationType::native);
  EXPECT_EQ(client->token_endpoint_auth_method, TokenEndpointAuthMethod::none);
  EXPECT_TRUE(client->refresh_token_grant);
  EXPECT_TRUE(validate_cimd_document(k_url, json::parse(document(R"(, "token_endpoint_auth_method": "none")"))));
}

struct InvalidDocument {
  const char* name;
  std::string document;
  const char* mentions;
};

void PrintTo(const InvalidDocument& c, std::ostream* os) { *os << c.name; }

class ValidateCimdDocumentRefuses : public ::testing::TestWithParam<InvalidDocument> {};

TEST_P(ValidateCimdDocumentRefuses, AsInvalidClient) {
  const InvalidDocument& c = GetParam();
  auto result = validate_cimd_document(k_url, json::parse(c.document));
  ASSERT_FALSE(result) << c.name;
  EXPECT_EQ(result.error().error, "invalid_client") << c.name;
  EXPECT_NE(result.error().error_description.find(c.mentions), std::string::npos)
      << c.name << ": " << result.error().error_description;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValidateCimdDocumentRefuses,
    ::testing::Values(
        InvalidDocument{"array", "[]", "not a JSON object"},
        InvalidDocument{"trailing slash in client_id", document("", std::string(k_url) + "/"), "\"client_id\" equal"},
        InvalidDocument{"other client_id", document("", "https://evil.example/claude-code"), "\"client_id\" equal"},
        InvalidDocument{"no client_id", R"({"client_name": "x", "redirect_uris": ["http://127.0.0.1/cb"]})",
                        "\"client_id\" equal"},
        InvalidDocument{"no client_name",
                        R"({"client_id": ")" + std::string(k_url) + R"(", "redirect_uris": ["http://127.0.0.1/cb"]})",
                        "\"client_name\""},
        InvalidDocument{"no redirect_uris", R"({"client_id": ")" + std::string(k_url) + R"(", "client_name": "x"})",
                        "\"redirect_uris\""},
        InvalidDocument{"private_key_jwt", document(R"(, "token_endpoint_auth_method": "private_key_jwt")"),
                        "\"private_key_jwt\" is not supported"},
        InvalidDocument{"client_secret_basic", document(R"(, "token_endpoint_auth_method": "client_secret_basic")"),
                        "\"client_secret_basic\" is not supported"},
        InvalidDocument{"a secret", document(R"(, "client_secret": "s3cret")"), "must not contain a client_secret"},
        InvalidDocument{"http redirect to a remote host", document(R"(, "redirect_uris": ["http://evil.example/cb"])"),
                        "only allowed for loopback"},
        InvalidDocument{"web with loopback",
                        document(R"(, "application_type": "web", "redirect_uris": ["http://127.0.0.1/cb"])"),
                        "a web client must use https"}),
    [](const auto& info) { return test_name(info.param.name); });

TEST(CacheLifetime, FollowsCacheControlExpiresAndAgeWithinTheLimits) {
  const auto now = std::chrono::system_clock::from_time_t(1'780'000'000);
  auto lifetime = [&](http::HeaderList headers) { return cache_lifetime(headers, now); };
  EXPECT_EQ(lifetime({{"cache-control", "max-age=3600"}}), seconds(3600));
  EXPECT_EQ(lifetime({{"cache-control", "public, Max-Age=\"120\""}}), seconds(120));
  EXPECT_EQ(lifetime({{"cache-control", "max-age=10"}}), seconds(60));          // floor
  EXPECT_EQ(lifetime({{"cache-control", "max-age=0"}}), seconds(60));           // floor
  EXPECT_EQ(lifetime({{"cache-control", "max-age=9999999"}}), seconds(86400));  // ceiling
  EXPECT_EQ(lifetime({{"cache-control", "max-age=soon"}}), seconds(60));        // invalid: stale
  EXPECT_EQ(lifetime({{"cache-control", "max-age=600, no-store"}}), seconds(0));
  EXPECT_EQ(lifetime({{"cache-control", "no-cache"}}), seconds(0));
  EXPECT_EQ(lifetime({{"cache-control", "max-age=60, s-maxage=900"}}), seconds(900));
  EXPECT_EQ(lifetime({{"cache-control", "public"}, {"cache-control", "max-age=700"}}), seconds(700));
  EXPECT_EQ(lifetime({{"cache-control", "max-age=3600"}, {"age", "600"}}), seconds(3000));
  EXPECT_EQ(lifetime({{"expires", "Thu, 28 May 2026 21:00:00 GMT"}, {"date", "Thu, 28 May 2026 20:00:00 GMT"}}),
            seconds(3600));
  EXPECT_EQ(lifetime({{"expires", "Thursday, 28-May-26 21:00:00 GMT"}, {"date", "Thu, 28 May 2026 20:30:00 GMT"}}),
            seconds(1800));
  EXPECT_EQ(lifetime({{"expires", "Thu May 28 22:00:00 2026"}, {"date", "Thu, 28 May 2026 20:00:00 GMT"}}),
            seconds(7200));
  // Without Date, Expires counts from now (1780000000 = Thu, 28 May 2026 20:26:40 GMT).
  EXPECT_EQ(lifetime({{"expires", "Thu, 28 May 2026 20:46:40 GMT"}}), seconds(1200));
  EXPECT_EQ(lifetime({{"expires", "0"}}), seconds(60));  // unparsable: already expired
  EXPECT_EQ(lifetime({{"cache-control", "max-age=300"}, {"expires", "Thu, 28 May 2026 21:00:00 GMT"}}),
            seconds(300));                // max-age wins
  EXPECT_EQ(lifetime({}), seconds(300));  // nothing said: the fallback
  EXPECT_EQ(cache_lifetime({{"cache-control", "max-age=5"}}, now, CacheLimits{seconds(1), seconds(10), seconds(2)}),
            seconds(5));
}

TEST(CheckTargetAddress, RefusesEveryNonPublicRangeAndTheirIpv6Forms) {
  struct Case {
    const char* address;
    bool allowed;
  };
  const Case cases[] = {
      {"10.0.0.1", false},
      {"172.16.5.4", false},
      {"172.31.255.255", false},
      {"172.32.0.1", true},
      {"192.168.1.1", false},
      {"127.0.0.1", false},
      {"127.1.2.3", false},
      {"0.0.0.0", false},
      {"169.254.169.254", false},
      {"100.64.0.1", false},
      {"100.128.0.1", true},
      {"224.0.0.1", false},
      {"255.255.255.255", false},
      {"8.8.8.8", true},
      {"1.1.1.1", true},
      {"::1", false},
      {"::", false},
      {"::ffff:10.0.0.1", false},
      {"::ffff:127.0.0.1", false},
      {"::ffff:8.8.8.8", true},
      {"fe80::1", false},
      {"febf::1", false},
      {"fc00::1", false},
      {"fd12:3456::1", false},
      {"ff02::1", false},
      {"64:ff9b::a9fe:a9fe", false},
      {"64:ff9b::808:808", true},
      {"2002:c0a8:0101::1", false},
      {"2002:0808:0808::1", true},
      {"2606:4700:4700::1111", true},
      {"2001:4860:4860::8888", true},
  };
  for (const Case& c : cases) {
    auto reason = check_target_address(boost::asio::ip::make_address(c.address));
    EXPECT_EQ(!reason.has_value(), c.allowed) << c.address << ": " << reason.value_or("allowed");
  }
  EXPECT_EQ(*check_target_address(boost::asio::ip::make_address("192.168.1.1")), "private (192.168.0.0/16)");
  EXPECT_EQ(*check_target_address(boost::asio::ip::make_address("::ffff:10.0.0.1")),
            "private (10.0.0.0/8) as IPv4-mapped IPv6");
}

RegisteredClient named(std::string name) {
  RegisteredClient client;
  client.client_name = std::move(name);
  return client;
}

TEST(CimdCache, ServesEntriesUntilTheirLifetimeEnds) {
  CimdCache cache;
  const auto t0 = CimdCache::Clock::now();
  cache.store("https://a.example/c", named("A"), seconds(60), t0);
  ASSERT_TRUE(cache.find("https://a.example/c", t0 + seconds(59)));
  EXPECT_EQ(cache.find("https://a.example/c", t0 + seconds(59))->client_name, "A");
  EXPECT_FALSE(cache.find("https://a.example/c", t0 + seconds(60)));
  EXPECT_FALSE(cache.find("https://b.example/c", t0));
  cache.store("https://a.example/c", named("A2"), seconds(0), t0);  // no-store replaces by nothing
  EXPECT_FALSE(cache.find("https://a.example/c", t0));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CimdCache, WhenFullDropsExpiredThenSoonestToExpire) {
  CimdCache cache(2);
  const auto t0 = CimdCache::Clock::now();
  cache.store("u1", named("1"), seconds(10), t0);
  cache.store("u2", named("2"), seconds(100), t0);
  cache.store("u3", named("3"), seconds(50), t0);  // full of live entries: u1 goes
  EXPECT_FALSE(cache.find("u1", t0));
  EXPECT_TRUE(cache.find("u2", t0));
  EXPECT_TRUE(cache.find("u3", t0));
  cache.store("u4", named("4"), seconds(50), t0 + seconds(60));  // u3 expired by then
  EXPECT_TRUE(cache.find("u2", t0 + seconds(60)));
  EXPECT_TRUE(cache.find("u4", t0 + seconds(60)));
  EXPECT_EQ(cache.size(), 2u);
}

TEST(CimdCache, IsSafeToShareBetweenThreads) {
  CimdCache cache(64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string url = "u" + std::to_string((i + t) % 100);
        cache.store(url, named(url), seconds(60));
        auto found = cache.find(url);
        if (found) {
          EXPECT_EQ(found->client_name, url);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(cache.size(), 64u);
}

}  // namespace
}  // namespace mcpedge::oauth
