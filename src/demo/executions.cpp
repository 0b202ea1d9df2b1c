// Handlers for executions: start, list, inspect and stop runs of a workflow.
#include "demo/api_support.hpp"
#include "demo/handlers.hpp"
#include "demo/sample_api.hpp"

namespace mcpedge::demo::detail {

asio::awaitable<Reply> start_execution(Call& c) {
  auto body = object_body(c);
  if (!body) co_return reply_error(body.error());
  constexpr std::array<string_view, 1> allowed = {"input"};
  if (auto e = unknown_field(*body, allowed)) co_return reply_error(*e);
  json::value input = json::object();
  if (const json::value* given = body->if_contains("input")) {
    if (!given->is_object())
      co_return reply_error(Status::bad_request, "field \"input\" must be a JSON object",
                            "send {\"input\": {\"key\": \"value\"}} or {} for no input");
    input = *given;
  }
  const std::string& workflow_id = c.params[0];
  const std::string id = new_id("exe_");
  const std::string input_text = json::serialize(input);
  const std::int64_t now = c.now_ms;
  auto query = [&](Sql& db) -> Result<json::object> {
    auto workflow = load_workflow(db, workflow_id);
    if (!workflow) return not_found("workflow", workflow_id, "list workflows with GET /workflows");
    if (workflow->at("status").as_string() != "active")
      return failure(Status::unprocessable_entity, "workflow " + workflow_id + " is inactive",
                     "activate it first: PATCH /workflows/" + workflow_id + " with {\"status\": \"active\"}");
    // What the run will have produced once it finishes; shown only after it succeeded.
    json::array done;
    for (const json::value& step : workflow->at("steps").as_array())
      done.push_back(json::object{{"step", step.at("id")}, {"name", step.at("name")}, {"status", "completed"}});
    const std::size_t step_count = done.size();
    json::object output{{"steps_completed", step_count}, {"steps", std::move(done)}, {"result", "ok"}};
    auto s = db.prepare(
        "INSERT INTO executions (id, workflow_id, state, input, output, started_at) VALUES (?1, ?2, 'running', ?3, ?4, "
        "?5)");
    s.bind_all(id, workflow_id, input_text, json::serialize(output), now);
    s.run();
    return *load_execution(db, id, now);
  };
  Reply reply = co_await respond(c, Status::created, query);
  if (reply.head.result() == Status::created)
    reply.head.set(http::Field::location, std::string(SampleApi::k_prefix) + "/executions/" + id);
  co_return reply;
}

asio::awaitable<Reply> list_executions(Call& c) {
  auto status = enum_param(c, "status", k_execution_statuses);
  if (!status) co_return reply_error(status.error());
  auto limit = int_param(c, "limit", 20, 1, 100);
  if (!limit) co_return reply_error(limit.error());
  const std::optional<std::string> workflow_id = query_arg(c, "workflow_id");
  const std::int64_t now = c.now_ms;
  auto query = [&](Sql& db) -> Result<json::object> {
    if (workflow_id && !workflow_exists(db, *workflow_id))
      return not_found("workflow", *workflow_id, "list workflows with GET /workflows");
    auto s = db.prepare(sql(k_execution_select,
                            "WHERE (?3 IS NULL OR workflow_id = ?3) AND (?4 IS NULL OR status = ?4)"
                            " ORDER BY started_at DESC, id DESC LIMIT ?5"));
    s.bind_all(now, k_run_ms, workflow_id, *status, *limit);
    json::array executions;
    while (s.step()) executions.push_back(execution_json(s));
    return json::object{{"executions", std::move(executions)}};
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> get_execution(Call& c) {
  const std::string& id = c.params[0];
  const std::int64_t now = c.now_ms;
  auto query = [&](Sql& db) -> Result<json::object> {
    if (auto execution = load_execution(db, id, now)) return std::move(*execution);
    return not_found("execution", id, "list executions with GET /executions");
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> stop_execution(Call& c) {
  const std::string& id = c.params[0];
  const std::int64_t now = c.now_ms;
  auto query = [&](Sql& db) -> Result<json::object> {
    auto execution = load_execution(db, id, now);
    if (!execution) return not_found("execution", id, "list executions with GET /executions");
    const string_view status = execution->at("status").as_string();
    if (status != "running")
      return failure(Status::conflict, "execution " + id + " already finished with status " + std::string(status),
                     "only running executions can be stopped");
    auto s = db.prepare("UPDATE executions SET state = 'cancelled', finished_at = ?2 WHERE id = ?1");
    s.bind_all(id, now);
    s.run();
    return *load_execution(db, id, now);
  };
  co_return co_await respond(c, Status::ok, query);
}

}  // namespace mcpedge::demo::detail
