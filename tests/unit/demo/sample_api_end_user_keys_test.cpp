// SampleApi end-user API keys: minting with the admin key, using, expiring, deleting, and /whoami.
#include "sample_api_fixture.hpp"

#include "crypto/encoding.hpp"
#include "store/sqlite/connection.hpp"

namespace mcpedge::demo::testing {
namespace {

class EndUserKeyTest : public SampleApiTest {
 protected:
  static constexpr std::int64_t k_start_s = k_start_ms / 1000;

  struct Minted {
    std::string id;
    std::string token;
  };

  Minted mint(const json::object& body) {
    TestReply r = post("/end_user_api_keys", json::serialize(body));
    EXPECT_EQ(r.status, 201u) << r.body();
    if (r.status != 201u) return {};
    return {std::string(r.object().at("api_key_id").as_string()),
            std::string(r.object().at("api_key_token").as_string())};
  }

  Headers key(const std::string& token) const { return {{"X-API-Key", token}}; }

  TestReply whoami(const Headers& headers) { return call_with(http::Verb::get, "/whoami", headers); }

  std::filesystem::path db_file() const { return dir_.path() / "data" / "sample-api.db"; }
};

TEST_F(EndUserKeyTest, MintReturns201WithIdAndToken) {
  TestReply r = post("/end_user_api_keys", R"({"user_id": "user_ada", "org_id": "org_acme",
      "expires_at_seconds": )" + std::to_string(k_start_s + 3600) +
                                               R"(, "metadata": {"created_by": "mcpedge"}})");
  ASSERT_EQ(r.status, 201u) << r.body();
  EXPECT_EQ(r.content_type(), "application/json");
  const json::object body = r.object();
  ASSERT_EQ(body.size(), 2u);
  EXPECT_TRUE(body.at("api_key_id").as_string().starts_with("key_"));
  const std::string token(body.at("api_key_token").as_string());
  EXPECT_TRUE(token.starts_with("wf_user_")) << token;
  EXPECT_EQ(token.size(), 8u + 32u);
  EXPECT_NE(token, mint({{"user_id", "user_ada"}}).token) << "every mint is a new key";
}

TEST_F(EndUserKeyTest, OnlyTheAdminKeyMints) {
  const Minted minted = mint({{"user_id", "user_ada"}});
  TestReply with_minted =
      call_with(http::Verb::post, "/end_user_api_keys", key(minted.token), R"({"user_id": "user_eve"})");
  EXPECT_EQ(with_minted.status, 403u);
  EXPECT_NE(with_minted.error().find("admin API key"), std::string::npos) << with_minted.error();
  TestReply without = call_with(http::Verb::post, "/end_user_api_keys", {}, R"({"user_id": "user_eve"})");
  EXPECT_EQ(without.status, 401u);
  EXPECT_EQ(without.error(), "missing API key");
}

TEST_F(EndUserKeyTest, BadBodyIs400NamingTheField) {
  auto error_for = [&](const std::string& body) {
    TestReply r = post("/end_user_api_keys", body);
    EXPECT_EQ(r.status, 400u) << body;
    return r.error();
  };
  EXPECT_EQ(error_for("{}"), "field \"user_id\" is required");
  EXPECT_EQ(error_for(R"({"user_id": ""})"), "field \"user_id\" must not be empty");
  EXPECT_NE(error_for(R"({"user_id": 42})").find("\"user_id\" must be a string"), std::string::npos);
  EXPECT_NE(error_for(R"({"user_id": "u", "org_id": 7})").find("\"org_id\""), std::string::npos);
  EXPECT_NE(error_for(R"({"user_id": "u", "expires_at_seconds": "tomorrow"})").find("\"expires_at_seconds\" must be"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"user_id": "u", "expires_at_seconds": 1.5})").find("\"expires_at_seconds\""),
            std::string::npos);
  EXPECT_NE(error_for(R"({"user_id": "u", "expires_at_seconds": 1000})").find("is not in the future"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"user_id": "u", "metadata": [1]})").find("\"metadata\" must be a JSON object"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"user_id": "u", "role": "admin"})").find("unknown field \"role\""), std::string::npos);
  EXPECT_NE(error_for("{not json").find("not valid JSON"), std::string::npos);
  // Optional fields sent as null count as absent.
  EXPECT_EQ(post("/end_user_api_keys", R"({"user_id": "u", "org_id": null, "expires_at_seconds": null})").status, 201u);
}

TEST_F(EndUserKeyTest, MintedKeyWorksLikeTheAdminKey) {
  const Minted minted = mint({{"user_id", "user_ada"}});
  TestReply by_header = call_with(http::Verb::get, "/spaces", key(minted.token));
  ASSERT_EQ(by_header.status, 200u) << by_header.body();
  EXPECT_EQ(by_header.object().at("spaces").as_array().size(), 3u);
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", {{"Authorization", "Bearer " + minted.token}}).status, 200u);
  EXPECT_EQ(call_with(http::Verb::post, "/cases/filter", key(minted.token), R"({"status": ["open"]})").status, 200u);
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", key(minted.token + "x")).error(), "invalid API key");
}

TEST_F(EndUserKeyTest, WhoamiShowsTheAdminKey) {
  TestReply r = whoami(auth());
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.object(), (json::object{{"key_kind", "admin"},
                                      {"api_key_id", nullptr},
                                      {"user_id", nullptr},
                                      {"org_id", nullptr},
                                      {"key_prefix", api_->api_key().substr(0, 12)}}));
}

TEST_F(EndUserKeyTest, WhoamiShowsTheEndUserBehindAMintedKey) {
  const Minted minted = mint({{"user_id", "user_ada"}, {"org_id", "org_acme"}});
  // Identity headers cannot override what a minted key says.
  TestReply r = whoami({{"Authorization", "Bearer " + minted.token}, {"X-Mcpedge-User", "user_eve"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.object(), (json::object{{"key_kind", "end_user"},
                                      {"api_key_id", minted.id},
                                      {"user_id", "user_ada"},
                                      {"org_id", "org_acme"},
                                      {"key_prefix", minted.token.substr(0, 12)}}));
  EXPECT_TRUE(whoami(key(mint({{"user_id", "user_bob"}}).token)).object().at("org_id").is_null());
}

TEST_F(EndUserKeyTest, WhoamiShowsTheServiceCredentialWithIdentityHeaders) {
  TestReply r = whoami({{"X-API-Key", api_->api_key()}, {"X-Mcpedge-User", "user_ada"}, {"X-Mcpedge-Org", "org_acme"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.object(), (json::object{{"key_kind", "service"},
                                      {"api_key_id", nullptr},
                                      {"user_id", "user_ada"},
                                      {"org_id", "org_acme"},
                                      {"key_prefix", api_->api_key().substr(0, 12)}}));
  TestReply without_org = whoami({{"X-API-Key", api_->api_key()}, {"X-Mcpedge-User", "user_ada"}});
  EXPECT_EQ(without_org.object().at("key_kind"), "service");
  EXPECT_TRUE(without_org.object().at("org_id").is_null());
  EXPECT_EQ(whoami({{"X-API-Key", api_->api_key()}, {"X-Mcpedge-Org", "org_acme"}}).object().at("key_kind"), "admin")
      << "an org alone names nobody";
}

TEST_F(EndUserKeyTest, RemembersTheLastCaller) {
  EXPECT_FALSE(api_->last_caller());
  EXPECT_EQ(get("/whoami/last").status, 404u);
  const Minted minted = mint({{"user_id", "user_ada"}, {"org_id", "org_acme"}});
  ASSERT_TRUE(api_->last_caller());
  EXPECT_EQ(api_->last_caller()->kind, Caller::Kind::admin);
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", key(minted.token)).status, 200u);
  ASSERT_TRUE(api_->last_caller());
  EXPECT_EQ(api_->last_caller()->kind, Caller::Kind::end_user);
  EXPECT_EQ(api_->last_caller()->user_id, "user_ada");
  // Over HTTP with the admin key; asking does not replace the answer.
  for (int i = 0; i < 2; ++i) {
    TestReply last = get("/whoami/last");
    ASSERT_EQ(last.status, 200u);
    EXPECT_EQ(last.object().at("key_kind"), "end_user");
    EXPECT_EQ(last.object().at("api_key_id"), json::value(minted.id));
  }
  EXPECT_EQ(call_with(http::Verb::get, "/whoami/last", key(minted.token)).status, 403u);
}

TEST_F(EndUserKeyTest, EchoReportsTheCaller) {
  const Minted minted = mint({{"user_id", "user_ada"}});
  TestReply r = call_with(http::Verb::get, "/diagnostics/echo", key(minted.token));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.object().at("caller").at("key_kind"), "end_user");
  EXPECT_EQ(r.object().at("caller").at("user_id"), "user_ada");
  EXPECT_EQ(r.body().find(minted.token), std::string::npos);
  TestReply service =
      call_with(http::Verb::get, "/diagnostics/echo", {{"X-API-Key", api_->api_key()}, {"X-Mcpedge-User", "user_bob"}});
  EXPECT_EQ(service.object().at("caller").at("key_kind"), "service");
  EXPECT_EQ(service.object().at("caller").at("user_id"), "user_bob");
}

TEST_F(EndUserKeyTest, ExpiredKeyGets401) {
  const Minted minted = mint({{"user_id", "user_ada"}, {"expires_at_seconds", k_start_s + 60}});
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", key(minted.token)).status, 200u);
  advance(std::chrono::seconds(59));
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", key(minted.token)).status, 200u);
  advance(std::chrono::seconds(1));
  TestReply expired = call_with(http::Verb::get, "/spaces", key(minted.token));
  EXPECT_EQ(expired.status, 401u);
  EXPECT_EQ(expired.error(), "API key expired");
  EXPECT_EQ(get("/spaces").status, 200u) << "the admin key never expires";
}

TEST_F(EndUserKeyTest, DeletedKeyStopsWorking) {
  const Minted kept = mint({{"user_id", "user_ada"}});
  const Minted deleted = mint({{"user_id", "user_bob"}});
  EXPECT_EQ(call_with(http::Verb::delete_, "/end_user_api_keys/" + deleted.id, key(kept.token)).status, 403u);
  TestReply r = call(http::Verb::delete_, "/end_user_api_keys/" + deleted.id);
  ASSERT_EQ(r.status, 200u) << r.body();
  EXPECT_EQ(r.object(), (json::object{{"api_key_id", deleted.id}, {"deleted", true}}));
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", key(deleted.token)).error(), "invalid API key");
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", key(kept.token)).status, 200u);
  EXPECT_EQ(call(http::Verb::delete_, "/end_user_api_keys/" + deleted.id).status, 404u);
}

TEST_F(EndUserKeyTest, KeysSurviveARestartAndAreStoredHashed) {
  const Minted minted = mint({{"user_id", "user_ada"}, {"org_id", "org_acme"}});
  api_.reset();
  {
    store::sqlite::Connection db(db_file());
    auto s = db.prepare("SELECT token_hash, user_id FROM end_user_api_keys WHERE id = ?1");
    s.bind_all(minted.id);
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.blob(0), crypto::sha256(minted.token));
    EXPECT_EQ(s.text(1), "user_ada");
  }
  api_ = open_api();
  TestReply r = whoami(key(minted.token));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.object().at("user_id"), "user_ada");
  EXPECT_EQ(r.object().at("org_id"), "org_acme");
}

TEST_F(EndUserKeyTest, OpensAVersion1DatabaseKeepingItsData) {
  TestReply created = post("/workflows", R"({"folder_id": "fld_renewals", "name": "Kept across the upgrade"})");
  ASSERT_EQ(created.status, 201u) << created.body();
  const std::string workflow = std::string(created.object().at("id").as_string());
  const std::string admin_key = api_->api_key();
  api_.reset();
  {  // what a file written by the previous version looks like
    store::sqlite::Connection db(db_file());
    db.exec("DROP TABLE end_user_api_keys; PRAGMA user_version = 1;");
  }
  api_ = open_api();
  EXPECT_EQ(api_->api_key(), admin_key);
  EXPECT_EQ(get("/workflows/" + workflow).status, 200u);
  const Minted minted = mint({{"user_id", "user_ada"}});
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", key(minted.token)).status, 200u);
}

}  // namespace
}  // namespace mcpedge::demo::testing
