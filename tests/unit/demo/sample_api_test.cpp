// SampleApi: API key check, routing, spaces and folders, and what survives a restart.
#include "sample_api_fixture.hpp"

namespace mcpedge::demo::testing {
namespace {

TEST_F(SampleApiTest, KeyIsPrefixedAnd32Base64urlCharacters) {
  const std::string& key = api_->api_key();
  ASSERT_EQ(key.size(), 8u + 32u);
  EXPECT_TRUE(key.starts_with("wf_demo_"));
  for (char c : key.substr(8)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
}

TEST_F(SampleApiTest, RequestWithoutKeyGets401WithHint) {
  TestReply r = call_with(http::Verb::get, "/spaces", {});
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.content_type(), "application/json");
  EXPECT_EQ(r.object().at("error"), "missing API key");
  EXPECT_EQ(r.object().at("hint"), "send X-API-Key");
}

TEST_F(SampleApiTest, WrongKeyGets401) {
  TestReply r = call_with(http::Verb::get, "/spaces", {{"X-API-Key", "wf_demo_wrong"}});
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.error(), "invalid API key");
  TestReply same_length =
      call_with(http::Verb::get, "/spaces", {{"Authorization", "Bearer " + std::string(api_->api_key().size(), 'x')}});
  EXPECT_EQ(same_length.status, 401u);
  EXPECT_EQ(same_length.error(), "invalid API key");
}

TEST_F(SampleApiTest, AcceptsKeyInEitherHeader) {
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", {{"X-API-Key", api_->api_key()}}).status, 200u);
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", {{"Authorization", "Bearer " + api_->api_key()}}).status, 200u);
  EXPECT_EQ(call_with(http::Verb::get, "/spaces", {{"authorization", "bearer " + api_->api_key()}}).status, 200u);
}

TEST_F(SampleApiTest, NonBearerAuthorizationCountsAsMissing) {
  TestReply r = call_with(http::Verb::get, "/spaces", {{"Authorization", "Basic " + api_->api_key()}});
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.error(), "missing API key");
}

TEST_F(SampleApiTest, MeShowsOnlyTheKeyPrefix) {
  TestReply r = get("/me");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.object().at("key_prefix"), json::value(api_->api_key().substr(0, 12)));
  EXPECT_EQ(r.object().at("plan"), "demo");
  EXPECT_EQ(r.body().find(api_->api_key()), std::string::npos);
}

TEST_F(SampleApiTest, UnknownPathIs404Json) {
  TestReply r = get("/nothing/here");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.content_type(), "application/json");
  EXPECT_TRUE(r.object().contains("hint"));
}

TEST_F(SampleApiTest, WrongMethodIs405WithAllow) {
  TestReply r = call(http::Verb::put, "/workflows/wf_7h2k9m4q", "{}");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.header("Allow"), "GET, PATCH, DELETE");
  EXPECT_EQ(get("/cases/filter").status, 405u);
}

TEST_F(SampleApiTest, ListsSeededSpacesWithCounts) {
  TestReply r = get("/spaces");
  ASSERT_EQ(r.status, 200u);
  const json::array spaces = r.object().at("spaces").as_array();
  ASSERT_EQ(spaces.size(), 3u);
  std::int64_t folders = 0, workflows = 0;
  for (const auto& s : spaces) {
    folders += s.at("folder_count").as_int64();
    workflows += s.at("workflow_count").as_int64();
  }
  EXPECT_EQ(folders, 5);
  EXPECT_EQ(workflows, 12);
}

TEST_F(SampleApiTest, InspectSpaceListsMembersAndFolders) {
  TestReply r = get("/spaces/spc_support");
  ASSERT_EQ(r.status, 200u);
  json::object space = r.object();
  EXPECT_EQ(space.at("name"), "Customer Support");
  EXPECT_EQ(space.at("folder_count"), 1);
  EXPECT_EQ(space.at("workflow_count"), 3);
  ASSERT_EQ(space.at("members").as_array().size(), 3u);
  EXPECT_EQ(space.at("members").as_array()[0].at("role"), "owner");
  EXPECT_EQ(get("/spaces/spc_nope").status, 404u);
}

TEST_F(SampleApiTest, ListsFoldersOfOneSpace) {
  TestReply r = get("/folders?space_id=spc_sales");
  ASSERT_EQ(r.status, 200u);
  const json::array folders = r.object().at("folders").as_array();
  ASSERT_EQ(folders.size(), 2u);
  for (const auto& f : folders) EXPECT_EQ(f.at("space_id"), "spc_sales");
  EXPECT_EQ(get("/folders").object().at("folders").as_array().size(), 5u);
  TestReply unknown = get("/folders?space_id=spc_nope");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.error(), "space spc_nope not found");
}

TEST_F(SampleApiTest, RenamesAFolder) {
  TestReply r = patch("/folders/fld_leads", R"({"name":"Inbound leads"})");
  ASSERT_EQ(r.status, 200u) << r.body();
  EXPECT_EQ(r.object().at("name"), "Inbound leads");
  EXPECT_EQ(r.object().at("description"), "Assigns inbound leads and keeps the CRM clean.");
  EXPECT_EQ(r.object().at("updated_at"), "2025-07-01T00:00:00Z");
  EXPECT_EQ(get("/folders/fld_leads").object().at("name"), "Inbound leads");
}

TEST_F(SampleApiTest, FolderUpdateRejectsBadInput) {
  EXPECT_EQ(patch("/folders/fld_leads", "{}").status, 400u);
  TestReply unknown_field = patch("/folders/fld_leads", R"({"colour":"red"})");
  EXPECT_EQ(unknown_field.status, 400u);
  EXPECT_NE(unknown_field.error().find("colour"), std::string::npos);
  EXPECT_EQ(patch("/folders/fld_leads", R"({"name":""})").status, 400u);
  EXPECT_EQ(patch("/folders/fld_leads", R"({"name":42})").status, 400u);
  TestReply broken = patch("/folders/fld_leads", R"({"name":)");
  EXPECT_EQ(broken.status, 400u);
  EXPECT_NE(broken.error().find("not valid JSON"), std::string::npos);
  EXPECT_EQ(patch("/folders/fld_nope", R"({"name":"x"})").status, 404u);
}

TEST(SampleApiRestart, KeepsKeyAndData) {
  TempDir dir;
  std::string key;
  {
    auto api = SampleApi::open(dir.path());
    key = api->api_key();
  }
  auto again = SampleApi::open(dir.path());
  EXPECT_EQ(again->api_key(), key);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "sample-api.db"));
}

TEST_F(SampleApiTest, RestartKeepsChanges) {
  const std::string key = api_->api_key();
  ASSERT_EQ(patch("/folders/fld_renewals", R"({"description":"Changed before restart"})").status, 200u);
  TestReply created = post("/workflows", R"({"name":"Survives restarts","folder_id":"fld_renewals"})");
  ASSERT_EQ(created.status, 201u);
  const std::string id(created.object().at("id").as_string());
  api_.reset();
  api_ = open_api();
  EXPECT_EQ(api_->api_key(), key);
  EXPECT_EQ(get("/folders/fld_renewals").object().at("description"), "Changed before restart");
  EXPECT_EQ(get("/workflows/" + id).object().at("name"), "Survives restarts");
  EXPECT_EQ(get("/spaces").object().at("spaces").as_array().size(), 3u) << "seed data is not added twice";
}

TEST(SampleApiOpen, DirectoriesGetTheirOwnKeys) {
  TempDir a, b;
  EXPECT_NE(SampleApi::open(a.path())->api_key(), SampleApi::open(b.path())->api_key());
}

TEST(SampleApiOpen, FailsWithAMessageNamingThePath) {
  TempDir dir;
  const auto blocker = dir.path() / "file";
  { std::ofstream(blocker) << "not a directory"; }
  try {
    SampleApi::open(blocker / "data");
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((blocker / "data").string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mcpedge::demo::testing
