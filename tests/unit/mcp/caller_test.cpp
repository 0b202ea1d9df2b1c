// Tests of who is calling: the scope hierarchy and the pass-through authenticator.
#include "mcp/caller.hpp"

#include "http/server.hpp"
#include "mcp/session.hpp"
#include "requests.hpp"

#include <gtest/gtest.h>
#include <boost/asio.hpp>

#include <optional>

namespace mcpedge::mcp {
namespace {

namespace asio = boost::asio;
using testing::post_with;
using Strings = std::vector<std::string>;

// co_spawn needs a default-constructible result, which Expected is not: park it in an optional.
asio::awaitable<void> authenticate_into(const Authenticator& auth, http::Request& request,
                                        std::optional<Expected<Caller, http::Reply>>& out) {
  http::ServerLimits limits;
  http::Worker worker(0, limits);
  http::Incoming in{request, {}, worker, "/mcp", ""};
  auto result = co_await auth.authenticate(in);
  out.emplace(std::move(result));
}

// Runs one authentication to completion on its own loop.
Expected<Caller, http::Reply> authenticate(const Authenticator& auth, http::Request request) {
  asio::io_context loop;
  std::optional<Expected<Caller, http::Reply>> out;
  auto done = asio::co_spawn(loop, authenticate_into(auth, request, out), asio::use_future);
  loop.run();
  done.get();
  return std::move(*out);
}

TEST(ScopeCovers, EqualScopesCover) {
  EXPECT_TRUE(scope_covers("mcp", "mcp"));
  EXPECT_TRUE(scope_covers("workflows:write", "workflows:write"));
}

TEST(ScopeCovers, BroaderScopeCoversItsChildren) {
  EXPECT_TRUE(scope_covers("workflows", "workflows:write"));
  EXPECT_TRUE(scope_covers("workflows", "workflows:write:draft"));
  EXPECT_TRUE(scope_covers("workflows:write", "workflows:write:draft"));
}

TEST(ScopeCovers, SharedPrefixWithoutColonDoesNotCover) {
  EXPECT_FALSE(scope_covers("workflows", "workflowsx"));
  EXPECT_FALSE(scope_covers("workflows", "workflowsx:write"));
  EXPECT_FALSE(scope_covers("work", "workflows"));
}

TEST(ScopeCovers, NarrowerScopeDoesNotCoverTheBroaderOne) {
  EXPECT_FALSE(scope_covers("workflows:write", "workflows"));
  EXPECT_FALSE(scope_covers("workflows:read", "workflows:write"));
}

TEST(ScopeCovers, EmptyGrantCoversNothingReal) { EXPECT_FALSE(scope_covers("", "mcp")); }

TEST(MissingScopes, ListsOnlyTheUncoveredInOrder) {
  EXPECT_EQ(missing_scopes({"mcp", "workflows"}, {"workflows:write", "admin", "mcp", "cases:read"}),
            (Strings{"admin", "cases:read"}));
}

TEST(MissingScopes, NothingMissingWhenAllAreCovered) {
  EXPECT_TRUE(missing_scopes({"workflows:read", "workflows:write"}, {"workflows:write", "workflows:read"}).empty());
  EXPECT_TRUE(missing_scopes({}, {}).empty());
}

TEST(MissingScopes, EmptyGrantMissesEverything) { EXPECT_EQ(missing_scopes({}, {"a", "b"}), (Strings{"a", "b"})); }

TEST(PassThroughAuthenticator, RequiredRefusesARequestWithoutCredentialWith401) {
  PassThroughAuthenticator auth(true);
  auto request = post_with({});
  auto result = authenticate(auth, request);
  ASSERT_FALSE(result);
  const http::Reply& reply = result.error();
  EXPECT_EQ(reply.head.result(), http::Status::unauthorized);
  EXPECT_FALSE(reply.head[http::Field::www_authenticate].empty());
  EXPECT_NE(reply.head.body().find("credential"), std::string::npos) << reply.head.body();
}

TEST(PassThroughAuthenticator, RequiredAcceptsABearerToken) {
  PassThroughAuthenticator auth(true);
  auto request = post_with({{"Authorization", "Bearer tok-123"}});
  auto result = authenticate(auth, request);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->credential, "tok-123");
  EXPECT_EQ(result->user, user_key_for("tok-123"));
  EXPECT_FALSE(result->user.empty());
  // An API key or opaque bearer carries no scopes: tools are not gated.
  EXPECT_FALSE(result->scopes.has_value());
}

TEST(PassThroughAuthenticator, ApiKeyHeaderIsACredential) {
  PassThroughAuthenticator auth(true);
  auto request = post_with({{"X-API-Key", "key-abc"}});
  auto result = authenticate(auth, request);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->credential, "key-abc");
  EXPECT_EQ(result->user, user_key_for("key-abc"));
}

TEST(PassThroughAuthenticator, DifferentCredentialsAreDifferentUsers) {
  PassThroughAuthenticator auth(false);
  auto a = post_with({{"X-API-Key", "key-a"}});
  auto b = post_with({{"X-API-Key", "key-b"}});
  auto first = authenticate(auth, a);
  auto second = authenticate(auth, b);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_NE(first->user, second->user);
}

TEST(PassThroughAuthenticator, OptionalLetsAnAnonymousCallerThrough) {
  PassThroughAuthenticator auth(false);
  auto request = post_with({});
  auto result = authenticate(auth, request);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->credential, "");
  EXPECT_EQ(result->user, "");
}

TEST(PassThroughAuthenticator, InsufficientScopeIs403NamingTheScopes) {
  PassThroughAuthenticator auth(false);
  http::Reply reply = auth.insufficient_scope({"workflows:write", "admin"});
  EXPECT_EQ(reply.head.result(), http::Status::forbidden);
  EXPECT_NE(reply.head.body().find("workflows:write admin"), std::string::npos) << reply.head.body();
}

}  // namespace
}  // namespace mcpedge::mcp
