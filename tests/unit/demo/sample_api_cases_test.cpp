// SampleApi cases: search, filter, summary and lookup.
#include "sample_api_fixture.hpp"

namespace mcpedge::demo::testing {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST_F(SampleApiTest, SearchMatchesEveryWordInTitleOrDescription) {
  TestReply r = get("/cases?q=email%20bounced");
  ASSERT_EQ(r.status, 200u) << r.body();
  json::object result = r.object();
  ASSERT_GE(result.at("count").as_int64(), 1);
  for (const auto& c : result.at("cases").as_array()) {
    std::string text =
        lower(std::string(c.at("title").as_string()) + " " + std::string(c.at("description").as_string()));
    EXPECT_NE(text.find("email"), std::string::npos);
    EXPECT_NE(text.find("bounced"), std::string::npos);
  }
  EXPECT_EQ(result.at("cases").as_array()[0].at("id"), "case_1001");
  EXPECT_EQ(get("/cases?q=BOUNCED+email").object().at("count"), result.at("count")) << "any order, any case";
}

TEST_F(SampleApiTest, SearchLimitsAndCountsAll) {
  json::object all = get("/cases?limit=100").object();
  EXPECT_EQ(all.at("count"), 40);
  json::object some = get("/cases?q=slack&limit=2").object();
  EXPECT_EQ(some.at("count"), 2);
  EXPECT_GT(some.at("total").as_int64(), 2);
  EXPECT_EQ(get("/cases?q=100%25").object().at("count"), 0) << "% is a literal, not a wildcard";
  EXPECT_EQ(get("/cases?limit=101").status, 400u);
}

TEST_F(SampleApiTest, FiltersCases) {
  TestReply r = post("/cases/filter", R"({"status":["open","in_progress"],"priority":["urgent","high"]})");
  ASSERT_EQ(r.status, 200u) << r.body();
  json::object result = r.object();
  ASSERT_GT(result.at("count").as_int64(), 0);
  for (const auto& c : result.at("cases").as_array()) {
    EXPECT_TRUE(c.at("status") == "open" || c.at("status") == "in_progress") << c;
    EXPECT_TRUE(c.at("priority") == "urgent" || c.at("priority") == "high") << c;
  }
  json::object mine = post("/cases/filter", R"({"assignee":"Maya.Chen@acme.example"})").object();
  EXPECT_EQ(mine.at("count"), 7);
  json::object unassigned = post("/cases/filter", R"({"assignee":null})").object();
  EXPECT_EQ(unassigned.at("count"), 7);
  for (const auto& c : unassigned.at("cases").as_array()) EXPECT_TRUE(c.at("assignee").is_null());
  json::object recent = post("/cases/filter", R"({"created_after":"2025-06-01"})").object();
  for (const auto& c : recent.at("cases").as_array())
    EXPECT_GT(std::string(c.at("created_at").as_string()), std::string("2025-06-01"));
  EXPECT_EQ(recent.at("count"), 6);
  EXPECT_EQ(post("/cases/filter", "{}").object().at("count"), 40);
}

TEST_F(SampleApiTest, FilterSaysWhatIsWrong) {
  TestReply bad_status = post("/cases/filter", R"({"status":["open","pending"]})");
  EXPECT_EQ(bad_status.status, 400u);
  EXPECT_EQ(bad_status.error(), "status[1]: \"pending\" is not a valid value");
  EXPECT_EQ(bad_status.object().at("hint"), "use any of: open, in_progress, resolved, closed");
  EXPECT_EQ(post("/cases/filter", R"({"created_after":"last week"})").status, 400u);
  EXPECT_EQ(post("/cases/filter", R"({"assignee":7})").status, 400u);
  EXPECT_EQ(post("/cases/filter", R"({"team":"x"})").status, 400u);
}

TEST_F(SampleApiTest, SummarizesCases) {
  json::object by_status = get("/cases/summary?group_by=status").object();
  EXPECT_EQ(by_status.at("total"), 40);
  const json::array& groups = by_status.at("groups").as_array();
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].at("key"), "open");
  EXPECT_EQ(groups[0].at("count"), 15);
  std::int64_t sum = 0;
  for (const auto& g : groups) sum += g.at("count").as_int64();
  EXPECT_EQ(sum, 40);
  json::object by_assignee = get("/cases/summary?group_by=assignee").object();
  bool has_unassigned = false;
  for (const auto& g : by_assignee.at("groups").as_array()) has_unassigned |= g.at("key").is_null();
  EXPECT_TRUE(has_unassigned);
  EXPECT_EQ(get("/cases/summary").object().at("group_by"), "status");
  EXPECT_EQ(get("/cases/summary?group_by=color").status, 400u);
}

TEST_F(SampleApiTest, GetsACase) {
  json::object c = get("/cases/case_1017").object();
  EXPECT_EQ(c.at("title"), "Enrichment API rate limit reached");
  EXPECT_EQ(c.at("workflow_name"), "Inbound lead router");
  EXPECT_EQ(c.at("execution_id"), "exe_q7r8s9t0");
  EXPECT_EQ(get("/cases/case_9999").status, 404u);
}

}  // namespace
}  // namespace mcpedge::demo::testing
