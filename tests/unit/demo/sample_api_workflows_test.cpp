// SampleApi workflows, executions and AI generation, driven through SampleApi::handle.
#include "sample_api_fixture.hpp"

#include <set>

namespace mcpedge::demo::testing {
namespace {

TEST_F(SampleApiTest, PaginatesWorkflowsWithACursor) {
  std::set<std::string> seen;
  std::string target = "/workflows?limit=5";
  std::vector<std::size_t> pages;
  for (int guard = 0; guard < 10; ++guard) {
    TestReply r = get(target);
    ASSERT_EQ(r.status, 200u) << r.body();
    json::object page = r.object();
    pages.push_back(page.at("workflows").as_array().size());
    for (const auto& w : page.at("workflows").as_array()) {
      EXPECT_TRUE(seen.insert(std::string(w.at("id").as_string())).second) << "repeated " << w.at("id");
      EXPECT_FALSE(w.as_object().contains("steps")) << "lists carry summaries";
    }
    if (page.at("next_cursor").is_null()) break;
    target = "/workflows?limit=5&cursor=" + std::string(page.at("next_cursor").as_string());
  }
  EXPECT_EQ(pages, (std::vector<std::size_t>{5, 5, 2}));
  EXPECT_EQ(seen.size(), 12u);
}

TEST_F(SampleApiTest, ExactlyFullLastPageHasNoCursor) {
  TestReply r = get("/workflows?limit=12");
  EXPECT_EQ(r.object().at("workflows").as_array().size(), 12u);
  EXPECT_TRUE(r.object().at("next_cursor").is_null());
}

TEST_F(SampleApiTest, FiltersWorkflowsByFolderAndStatus) {
  json::object inactive = get("/workflows?status=inactive").object();
  ASSERT_EQ(inactive.at("workflows").as_array().size(), 3u);
  for (const auto& w : inactive.at("workflows").as_array()) EXPECT_EQ(w.at("status"), "inactive");
  json::object leads = get("/workflows?folder_id=fld_leads&status=active").object();
  EXPECT_EQ(leads.at("workflows").as_array().size(), 2u);
}

TEST_F(SampleApiTest, RejectsBadListParameters) {
  TestReply limit = get("/workflows?limit=0");
  EXPECT_EQ(limit.status, 400u);
  EXPECT_NE(limit.error().find("limit must be an integer from 1 to 100"), std::string::npos);
  EXPECT_EQ(get("/workflows?limit=ten").status, 400u);
  EXPECT_EQ(get("/workflows?status=paused").status, 400u);
  EXPECT_EQ(get("/workflows?cursor=!!").status, 400u);
  EXPECT_EQ(get("/workflows?folder_id=fld_nope").status, 404u);
}

TEST_F(SampleApiTest, UnknownWorkflowIs404WithJsonError) {
  TestReply r = get("/workflows/wf_doesnotexist");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.content_type(), "application/json");
  EXPECT_EQ(r.error(), "workflow wf_doesnotexist not found");
  EXPECT_EQ(r.object().at("hint"), "list workflows with GET /workflows");
}

TEST_F(SampleApiTest, GetsAWorkflowWithItsSteps) {
  json::object w = get("/workflows/wf_7w2e4r9v").object();
  EXPECT_EQ(w.at("name"), "Urgent ticket escalation");
  EXPECT_EQ(w.at("space_id"), "spc_support");
  EXPECT_EQ(w.at("trigger"), "webhook_trigger");
  const json::array& steps = w.at("steps").as_array();
  ASSERT_EQ(steps.size(), 6u);
  EXPECT_EQ(steps[0].at("id"), "step_1");
  EXPECT_EQ(steps[3].at("type"), "delay");
  EXPECT_EQ(steps[3].at("config").at("minutes"), 30);
}

TEST_F(SampleApiTest, CreatesAWorkflow) {
  TestReply r = post("/workflows", R"({"name":"Notify on big deals","folder_id":"fld_leads",
      "description":"Posts deals over $50k","steps":[{"type":"webhook_trigger","name":"Deal won"},
      {"type":"post_to_slack","config":{"channel":"#wins"}}]})");
  ASSERT_EQ(r.status, 201u) << r.body();
  json::object w = r.object();
  const std::string id(w.at("id").as_string());
  EXPECT_TRUE(id.starts_with("wf_"));
  EXPECT_EQ(id.size(), 13u);
  EXPECT_EQ(r.header("Location"), "/demo-api/v1/workflows/" + id);
  EXPECT_EQ(w.at("status"), "inactive");
  EXPECT_EQ(w.at("trigger"), "webhook_trigger");
  EXPECT_EQ(w.at("steps").as_array()[1].at("id"), "step_2");
  EXPECT_EQ(w.at("steps").as_array()[1].at("name"), "Post to slack");
  EXPECT_EQ(w.at("created_at"), "2025-07-01T00:00:00Z");
  EXPECT_EQ(get("/workflows?limit=1").object().at("workflows").as_array()[0].at("id"), json::value(id))
      << "newest first";
}

TEST_F(SampleApiTest, CreateSaysWhatIsWrong) {
  TestReply no_folder = post("/workflows", R"({"name":"x"})");
  EXPECT_EQ(no_folder.status, 400u);
  EXPECT_EQ(no_folder.error(), "field \"folder_id\" is required");
  EXPECT_EQ(post("/workflows", R"({"name":"x","folder_id":"fld_nope"})").status, 404u);
  TestReply bad_type = post("/workflows", R"({"name":"x","folder_id":"fld_leads","steps":[{"type":"fax"}]})");
  EXPECT_EQ(bad_type.status, 400u);
  EXPECT_NE(bad_type.error().find("steps[0].type"), std::string::npos);
  EXPECT_NE(bad_type.object().at("hint").as_string().find("send_email"), std::string::npos);
  TestReply late_trigger = post("/workflows", R"({"name":"x","folder_id":"fld_leads",
      "steps":[{"type":"send_email"},{"type":"manual_trigger"}]})");
  EXPECT_EQ(late_trigger.status, 400u);
  EXPECT_EQ(post("/workflows", R"([1,2])").status, 400u);
  EXPECT_EQ(post("/workflows", R"({"name":"x","folder_id":"fld_leads","owner":"me"})").status, 400u);
}

TEST_F(SampleApiTest, UpdatesAWorkflow) {
  TestReply r =
      patch("/workflows/wf_4t6g2h9a", R"({"name":"Lead nudge","status":"active","folder_id":"fld_renewals"})");
  ASSERT_EQ(r.status, 200u) << r.body();
  json::object w = r.object();
  EXPECT_EQ(w.at("name"), "Lead nudge");
  EXPECT_EQ(w.at("status"), "active");
  EXPECT_EQ(w.at("folder_id"), "fld_renewals");
  EXPECT_EQ(w.at("description"), "Reminds a lead by email when they have not replied for three days.");
  EXPECT_EQ(patch("/workflows/wf_4t6g2h9a", R"({"status":"paused"})").status, 400u);
  EXPECT_EQ(patch("/workflows/wf_nope", R"({"name":"x"})").status, 404u);
}

TEST_F(SampleApiTest, WorkflowWithoutTriggerCannotBeActivated) {
  TestReply created = post("/workflows", R"({"name":"Empty","folder_id":"fld_leads"})");
  const std::string id(created.object().at("id").as_string());
  EXPECT_TRUE(created.object().at("trigger").is_null());
  TestReply r = patch("/workflows/" + id, R"({"status":"active"})");
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(r.error(), "workflow " + id + " cannot be activated: it has no steps");
}

TEST_F(SampleApiTest, DeletesAWorkflowAndItsExecutions) {
  TestReply r = call(http::Verb::delete_, "/workflows/wf_8r3f1y6u");
  ASSERT_EQ(r.status, 200u) << r.body();
  EXPECT_EQ(r.object().at("deleted"), true);
  EXPECT_EQ(r.object().at("executions_deleted"), 1);
  EXPECT_EQ(get("/workflows/wf_8r3f1y6u").status, 404u);
  EXPECT_EQ(get("/executions/exe_u1v2w3x4").status, 404u);
  EXPECT_EQ(call(http::Verb::delete_, "/workflows/wf_8r3f1y6u").status, 404u);
}

TEST_F(SampleApiTest, WorkflowWithRunningExecutionCannotBeDeleted) {
  TestReply started = post("/workflows/wf_8r3f1y6u/executions", "{}");
  ASSERT_EQ(started.status, 201u);
  TestReply r = call(http::Verb::delete_, "/workflows/wf_8r3f1y6u");
  EXPECT_EQ(r.status, 409u);
  EXPECT_NE(r.object().at("hint").as_string().find("/stop"), std::string::npos);
  advance(std::chrono::seconds(3));
  EXPECT_EQ(call(http::Verb::delete_, "/workflows/wf_8r3f1y6u").status, 200u);
}

TEST_F(SampleApiTest, DiagramIsAnSvgOfTheSteps) {
  TestReply r = get("/workflows/wf_5c1v7t2r/diagram");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type(), "image/svg+xml");
  const std::string svg = r.body();
  EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("Ask #finance-approvals"), std::string::npos);
  EXPECT_NE(svg.find("Amount over $5,000?"), std::string::npos);
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n') > 10, true);
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_EQ(get("/workflows/wf_nope/diagram").status, 404u);
}

TEST_F(SampleApiTest, StartsAndStopsAnExecution) {
  TestReply started = post("/workflows/wf_7h2k9m4q/executions", R"({"input":{"employee":"Ada"}})");
  ASSERT_EQ(started.status, 201u) << started.body();
  json::object e = started.object();
  const std::string id(e.at("id").as_string());
  EXPECT_TRUE(id.starts_with("exe_"));
  EXPECT_EQ(e.at("status"), "running");
  EXPECT_EQ(e.at("input").at("employee"), "Ada");
  EXPECT_TRUE(e.at("output").is_null());
  EXPECT_EQ(started.header("Location"), "/demo-api/v1/executions/" + id);

  advance(std::chrono::milliseconds(500));
  EXPECT_EQ(get("/executions/" + id).object().at("status"), "running");

  TestReply stopped = post("/executions/" + id + "/stop");
  ASSERT_EQ(stopped.status, 200u) << stopped.body();
  EXPECT_EQ(stopped.object().at("status"), "cancelled");
  EXPECT_EQ(stopped.object().at("duration_ms"), 500);

  TestReply again = post("/executions/" + id + "/stop");
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.error(), "execution " + id + " already finished with status cancelled");

  advance(std::chrono::seconds(5));
  EXPECT_EQ(get("/executions/" + id).object().at("status"), "cancelled") << "a stop is final";
}

TEST_F(SampleApiTest, ExecutionSucceedsTwoSecondsAfterStart) {
  TestReply started = post("/workflows/wf_9m4b6w8k/executions");
  ASSERT_EQ(started.status, 201u) << started.body();
  const std::string id(started.object().at("id").as_string());
  advance(std::chrono::milliseconds(1999));
  EXPECT_EQ(get("/executions/" + id).object().at("status"), "running");
  advance(std::chrono::milliseconds(1));
  json::object e = get("/executions/" + id).object();
  EXPECT_EQ(e.at("status"), "succeeded");
  EXPECT_EQ(e.at("output").at("steps_completed"), 4);
  EXPECT_EQ(e.at("finished_at"), "2025-07-01T00:00:02Z");
  EXPECT_EQ(post("/executions/" + id + "/stop").status, 409u);
}

TEST_F(SampleApiTest, InactiveWorkflowCannotRun) {
  TestReply r = post("/workflows/wf_3x8p1n6d/executions", "{}");
  EXPECT_EQ(r.status, 422u);
  EXPECT_NE(r.object().at("hint").as_string().find("\"status\": \"active\""), std::string::npos);
  EXPECT_EQ(post("/workflows/wf_nope/executions", "{}").status, 404u);
  EXPECT_EQ(post("/workflows/wf_7h2k9m4q/executions", R"({"input":[1]})").status, 400u);
}

TEST_F(SampleApiTest, ListsExecutionsByWorkflowAndStatus) {
  json::object failed = get("/executions?status=failed").object();
  EXPECT_EQ(failed.at("executions").as_array().size(), 2u);
  json::object lead_runs = get("/executions?workflow_id=wf_2q7z5e3j").object();
  EXPECT_EQ(lead_runs.at("executions").as_array().size(), 2u);
  ASSERT_EQ(post("/workflows/wf_2q7z5e3j/executions", "{}").status, 201u);
  EXPECT_EQ(get("/executions?status=running").object().at("executions").as_array().size(), 1u);
  advance(std::chrono::seconds(2));
  EXPECT_EQ(get("/executions?status=running").object().at("executions").as_array().size(), 0u);
  EXPECT_EQ(get("/executions?workflow_id=wf_2q7z5e3j&status=succeeded").object().at("executions").as_array().size(),
            2u);
  EXPECT_EQ(get("/executions?status=done").status, 400u);
  EXPECT_EQ(get("/executions/exe_nope").status, 404u);
}

TEST_F(SampleApiTest, GeneratesADailySlackWorkflow) {
  TestReply r = post("/ai/workflows/generate", R"({"prompt":"send a slack message every day"})");
  ASSERT_EQ(r.status, 200u) << r.body();
  json::object proposal = r.object().at("proposal").as_object();
  EXPECT_EQ(proposal.at("name"), "Daily Slack message");
  const json::array& steps = proposal.at("steps").as_array();
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].at("type"), "schedule_trigger");
  EXPECT_EQ(steps[0].at("config").at("cron"), "0 9 * * *");
  EXPECT_EQ(steps[1].at("type"), "post_to_slack");
  EXPECT_EQ(r.body(), post("/ai/workflows/generate", R"({"prompt":"send a slack message every day"})").body())
      << "deterministic";
}

TEST_F(SampleApiTest, GeneratedProposalCanBeCreatedAndRun) {
  json::object proposal =
      post("/ai/workflows/generate", R"("When a webhook arrives, email ops@acme.example and post to #alerts on Slack")")
          .object()
          .at("proposal")
          .as_object();
  const json::array& steps = proposal.at("steps").as_array();
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].at("type"), "webhook_trigger");
  EXPECT_EQ(steps[1].at("config").at("to"), "ops@acme.example");
  EXPECT_EQ(steps[2].at("config").at("channel"), "#alerts");
  proposal["folder_id"] = "fld_escalations";
  TestReply created = post("/workflows", json::serialize(proposal));
  ASSERT_EQ(created.status, 201u) << created.body();
  const std::string id(created.object().at("id").as_string());
  ASSERT_EQ(patch("/workflows/" + id, R"({"status":"active"})").status, 200u);
  EXPECT_EQ(post("/workflows/" + id + "/executions", "{}").status, 201u);
}

TEST_F(SampleApiTest, GenerateNeedsAPrompt) {
  TestReply empty = post("/ai/workflows/generate", R"({"prompt":"   "})");
  EXPECT_EQ(empty.status, 400u);
  EXPECT_EQ(empty.error(), "prompt is empty");
  EXPECT_EQ(post("/ai/workflows/generate", "").status, 400u);
  EXPECT_EQ(post("/ai/workflows/generate", R"({"text":"hi"})").status, 400u);
  json::object manual = post("/ai/workflows/generate", R"({"prompt":"update the CRM record"})").object();
  EXPECT_EQ(manual.at("proposal").at("steps").as_array()[0].at("type"), "manual_trigger");
}

}  // namespace
}  // namespace mcpedge::demo::testing
