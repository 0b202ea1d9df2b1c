// Tests of DNS-rebinding protection: which Origin and Host headers a request may carry.
#include "mcp/origin.hpp"

#include <gtest/gtest.h>

namespace mcpedge::mcp {
namespace {

http::Request request(std::string_view host, std::string_view origin = "") {
  http::Request r{http::Verb::post, "/mcp", 11};
  if (!host.empty()) r.set(http::Field::host, host);
  if (!origin.empty()) r.set(http::Field::origin, origin);
  return r;
}

config::ServerConfig public_server() {
  config::ServerConfig s;
  s.public_url = "https://mcp.example.com";
  s.allowed_origins = {"https://claude.ai"};
  return s;
}

TEST(OriginPolicy, RequestWithoutOriginIsAllowed) {
  EXPECT_EQ(OriginPolicy(public_server(), false).check(request("mcp.example.com")), std::nullopt);
}

TEST(OriginPolicy, PublicAndListedOriginsAreAllowedCaseInsensitively) {
  OriginPolicy policy(public_server(), false);
  EXPECT_EQ(policy.check(request("mcp.example.com", "https://mcp.example.com")), std::nullopt);
  EXPECT_EQ(policy.check(request("mcp.example.com", "https://MCP.example.com")), std::nullopt);
  EXPECT_EQ(policy.check(request("mcp.example.com", "https://claude.ai")), std::nullopt);
}

TEST(OriginPolicy, UnlistedOriginIsRefusedWithTheReason) {
  auto why = OriginPolicy(public_server(), false).check(request("mcp.example.com", "https://evil.example"));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("https://evil.example"), std::string::npos) << *why;
  EXPECT_NE(why->find("allowed_origins"), std::string::npos) << *why;
}

TEST(OriginPolicy, LoopbackListenerAllowsLoopbackOrigins) {
  OriginPolicy policy(config::ServerConfig{}, true);
  EXPECT_EQ(policy.check(request("localhost:8080", "http://localhost:1234")), std::nullopt);
  EXPECT_EQ(policy.check(request("127.0.0.1:8080", "http://127.0.0.1:5")), std::nullopt);
  EXPECT_EQ(policy.check(request("[::1]:8080", "http://[::1]:3000")), std::nullopt);
}

TEST(OriginPolicy, LoopbackListenerRefusesOtherOrigins) {
  OriginPolicy policy(config::ServerConfig{}, true);
  EXPECT_TRUE(policy.check(request("localhost:8080", "http://evil.example")));
  EXPECT_TRUE(policy.check(request("localhost:8080", "http://localhost.evil.example")));
  EXPECT_TRUE(policy.check(request("localhost:8080", "null")));
}

TEST(OriginPolicy, LoopbackListenerRefusesNonLoopbackHost) {
  OriginPolicy policy(config::ServerConfig{}, true);
  auto why = policy.check(request("evil.example:8080"));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("evil.example"), std::string::npos) << *why;
  EXPECT_EQ(policy.check(request("localhost:8080")), std::nullopt);
  EXPECT_EQ(policy.check(request("127.0.0.1")), std::nullopt);
}

// A DNS-rebinding attacker controls every name under its own domain, including "127.evil.example":
// only literal 127.x.y.z addresses are loopback, not names that start with "127.".
TEST(OriginPolicy, LoopbackListenerRefusesNamesThatMerelyStartWith127) {
  OriginPolicy policy(config::ServerConfig{}, true);
  EXPECT_TRUE(policy.check(request("127.evil.example:8080")));
  EXPECT_TRUE(policy.check(request("localhost:8080", "http://127.evil.example")));
  EXPECT_FALSE(is_loopback_host("127.evil.example"));
}

TEST(OriginPolicy, NonLoopbackListenerAcceptsAnyHostWhenNoneAreListed) {
  EXPECT_EQ(OriginPolicy(public_server(), false).check(request("anything.example")), std::nullopt);
}

TEST(OriginPolicy, AllowedHostsMatchWithOrWithoutPort) {
  config::ServerConfig s = public_server();
  s.allowed_hosts = {"mcp.example.com", "localhost:9090"};
  OriginPolicy policy(s, false);
  EXPECT_EQ(policy.check(request("mcp.example.com")), std::nullopt);
  EXPECT_EQ(policy.check(request("MCP.example.com:443")), std::nullopt);
  EXPECT_EQ(policy.check(request("localhost:9090")), std::nullopt);
  auto why = policy.check(request("other.example.com"));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("allowed_hosts"), std::string::npos) << *why;
  EXPECT_TRUE(policy.check(request("localhost:9091")));
}

TEST(IsLoopbackHost, KnowsTheLoopbackNames) {
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("[::1]"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("localhost.example"));
}

}  // namespace
}  // namespace mcpedge::mcp

namespace mcpedge::mcp {
namespace {

// boostorg/url#755: Boost 1.81 reads "http://127.0.0.1.evil.com" as host 127.0.0.1 plus a path.
// An Origin is scheme://host[:port] and nothing else (RFC 6454 §7), so it is read as exactly that.
TEST(OriginPolicy, LoopbackListenerRefusesAnOriginWhoseHostOnlyBeginsWithALoopbackAddress) {
  OriginPolicy policy(config::ServerConfig{}, true);
  EXPECT_TRUE(policy.check(request("127.0.0.1:8080", "http://127.0.0.1.evil.com")));
  EXPECT_TRUE(policy.check(request("127.0.0.1:8080", "http://127.0.0.1.evil.com:8080")));
  EXPECT_TRUE(policy.check(request("127.0.0.1:8080", "http://localhost.evil.com")));
  EXPECT_TRUE(policy.check(request("127.0.0.1:8080", "http://127.0.0.1/path")));
  EXPECT_TRUE(policy.check(request("127.0.0.1:8080", "http://user@127.0.0.1")));
  EXPECT_FALSE(policy.check(request("127.0.0.1:8080", "http://127.0.0.1:9999")));
  EXPECT_FALSE(policy.check(request("127.0.0.1:8080", "http://[::1]:9999")));
  EXPECT_FALSE(policy.check(request("127.0.0.1:8080", "https://localhost")));
}

}  // namespace
}  // namespace mcpedge::mcp
