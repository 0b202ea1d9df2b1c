// Handlers for workflows, and the checks of the steps a client sends.
#include "demo/api_support.hpp"
#include "demo/handlers.hpp"
#include "demo/media.hpp"
#include "demo/sample_api.hpp"

#include <cctype>
#include <charconv>
#include <system_error>

namespace mcpedge::demo::detail {

// --- Workflow steps ----------------------------------------------------------------------------

namespace {

std::string default_step_name(string_view type) {
  std::string name(type);
  std::replace(name.begin(), name.end(), '_', ' ');
  if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

// Why a workflow with these steps cannot be active, or nullopt if it can.
std::optional<std::string> activation_problem(const json::value& steps) {
  const json::array* list = steps.if_array();
  if (!list || list->empty()) return "it has no steps";
  const json::value& first = (*list)[0];
  if (!first.is_object() || !is_trigger(first.as_object().at("type").as_string()))
    return "its first step is not a trigger";
  if (list->size() < 2) return "it has a trigger but no action";
  return std::nullopt;
}

}  // namespace

// Checks client-supplied steps and gives them ids step_1, step_2, ...
Result<json::array> normalize_steps(const json::value& value) {
  if (!value.is_array())
    return bad_request("field \"steps\" must be an array of steps",
                       "send \"steps\": [{\"type\": \"manual_trigger\", \"name\": \"Start\"}, ...]");
  const json::array& steps = value.as_array();
  if (steps.size() > k_max_steps)
    return bad_request(
        "a workflow has at most " + std::to_string(k_max_steps) + " steps, got " + std::to_string(steps.size()),
        "split it into several workflows");
  json::array out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string where = "steps[" + std::to_string(i) + "]";
    if (!steps[i].is_object())
      return bad_request(where + " must be an object with \"type\", \"name\" and optional \"config\"",
                         "example: {\"type\": \"send_email\", \"name\": \"Notify the team\"}");
    const json::object& step = steps[i].as_object();
    for (const auto& field : step) {
      if (field.key() != "type" && field.key() != "name" && field.key() != "config" && field.key() != "id")
        return bad_request(where + ": unknown field \"" + std::string(field.key()) + "\"",
                           "a step has \"type\", \"name\" and \"config\"");
    }
    const json::value* type = step.if_contains("type");
    if (!type || !type->is_string() || !contains(k_step_types, type->as_string()))
      return bad_request(where + ".type must be one of the step types" +
                             (type && type->is_string() ? ", got \"" + std::string(type->as_string()) + "\"" : ""),
                         "step types: " + join(k_step_types));
    const string_view type_name = type->as_string();
    if (is_trigger(type_name) && i != 0)
      return bad_request(where + ": a trigger (" + std::string(type_name) + ") can only be the first step",
                         "put the one trigger first and actions after it");
    std::string name = default_step_name(type_name);
    if (const json::value* n = step.if_contains("name")) {
      if (!n->is_string() || n->as_string().empty() || n->as_string().size() > k_max_name)
        return bad_request(where + ".name must be a string of 1 to " + std::to_string(k_max_name) + " characters",
                           "name the step after what it does, e.g. \"Send welcome email\"");
      name = std::string(n->as_string());
    }
    json::value config = json::object();
    if (const json::value* cfg = step.if_contains("config")) {
      if (!cfg->is_object())
        return bad_request(where + ".config must be an object", "send \"config\": {} or leave it out");
      config = *cfg;
    }
    out.push_back(json::object{{"id", "step_" + std::to_string(i + 1)},
                               {"type", type_name},
                               {"name", std::move(name)},
                               {"config", std::move(config)}});
  }
  return out;
}

// --- Handlers: workflows -----------------------------------------------------------------------

namespace {

std::string encode_cursor(std::int64_t created_at, string_view id) {
  return base64url(std::to_string(created_at) + ":" + std::string(id));
}

std::optional<std::pair<std::int64_t, std::string>> decode_cursor(string_view cursor) {
  auto raw = base64url_decode(cursor);
  if (!raw) return std::nullopt;
  auto colon = raw->find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::int64_t created_at = 0;
  auto [p, ec] = std::from_chars(raw->data(), raw->data() + colon, created_at);
  if (ec != std::errc() || p != raw->data() + colon) return std::nullopt;
  return std::pair{created_at, raw->substr(colon + 1)};
}

}  // namespace

asio::awaitable<Reply> list_workflows(Call& c) {
  auto limit = int_param(c, "limit", 20, 1, 100);
  if (!limit) co_return reply_error(limit.error());
  auto status = enum_param(c, "status", k_workflow_statuses);
  if (!status) co_return reply_error(status.error());
  const std::optional<std::string> folder_id = query_arg(c, "folder_id");
  std::optional<std::pair<std::int64_t, std::string>> after;
  if (auto cursor = query_arg(c, "cursor"); cursor && !cursor->empty()) {
    after = decode_cursor(*cursor);
    if (!after)
      co_return reply_error(Status::bad_request, "cursor \"" + *cursor + "\" was not issued by this API",
                            "pass the next_cursor of the previous page unchanged, or leave cursor out");
  }
  auto query = [&](Sql& db) -> Result<json::object> {
    if (folder_id && !folder_exists(db, *folder_id))
      return not_found("folder", *folder_id, "list folders with GET /folders");
    auto s = db.prepare(sql(k_workflow_columns,
                            "WHERE (?1 IS NULL OR w.folder_id = ?1) AND (?2 IS NULL OR w.status = ?2)"
                            " AND (?3 IS NULL OR w.created_at < ?3 OR (w.created_at = ?3 AND w.id < ?4))"
                            " ORDER BY w.created_at DESC, w.id DESC LIMIT ?5"));
    s.bind_all(folder_id, *status);
    if (after)
      s.bind(3, after->first).bind(4, after->second);
    else
      s.bind(3, nullptr).bind(4, nullptr);
    s.bind(5, *limit + 1);
    json::array workflows;
    json::value next = nullptr;
    std::int64_t last_created = 0;
    std::string last_id;
    while (s.step()) {
      if (static_cast<std::int64_t>(workflows.size()) == *limit) {
        next = encode_cursor(last_created, last_id);
        break;
      }
      last_created = s.int64(7);
      last_id = s.text(0);
      workflows.push_back(workflow_json(s, false));
    }
    return json::object{{"workflows", std::move(workflows)}, {"next_cursor", std::move(next)}};
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> get_workflow(Call& c) {
  const std::string& id = c.params[0];
  auto query = [&id](Sql& db) -> Result<json::object> {
    if (auto workflow = load_workflow(db, id)) return std::move(*workflow);
    return not_found("workflow", id, "list workflows with GET /workflows");
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> create_workflow(Call& c) {
  auto body = object_body(c);
  if (!body) co_return reply_error(body.error());
  constexpr std::array<string_view, 4> allowed = {"name", "folder_id", "description", "steps"};
  if (auto e = unknown_field(*body, allowed)) co_return reply_error(*e);
  auto name = string_field(*body, "name", k_max_name);
  if (!name) co_return reply_error(name.error());
  auto folder_id = string_field(*body, "folder_id", 64);
  if (!folder_id) co_return reply_error(folder_id.error());
  auto description = string_field(*body, "description", k_max_description, true);
  if (!description) co_return reply_error(description.error());
  if (!*name) co_return reply_error(Status::bad_request, "field \"name\" is required", "send \"name\": \"...\"");
  if (!*folder_id)
    co_return reply_error(Status::bad_request, "field \"folder_id\" is required",
                          "pick a folder from GET /folders and send \"folder_id\": \"fld_...\"");
  json::array steps;
  if (const json::value* given = body->if_contains("steps")) {
    auto normalized = normalize_steps(*given);
    if (!normalized) co_return reply_error(normalized.error());
    steps = std::move(*normalized);
  }
  const std::string id = new_id("wf_");
  const std::string steps_text = json::serialize(steps);
  const std::int64_t now = c.now_ms;
  auto query = [&](Sql& db) -> Result<json::object> {
    if (!folder_exists(db, **folder_id))
      return not_found("folder", **folder_id, "list folders with GET /folders and pass one of their ids");
    auto s = db.prepare(
        "INSERT INTO workflows (id, folder_id, name, description, status, steps, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, 'inactive', ?5, ?6, ?6)");
    s.bind_all(id, **folder_id, **name, description->value_or(""), steps_text, now);
    s.run();
    return *load_workflow(db, id);
  };
  Reply reply = co_await respond(c, Status::created, query);
  if (reply.head.result() == Status::created)
    reply.head.set(http::Field::location, std::string(SampleApi::k_prefix) + "/workflows/" + id);
  co_return reply;
}

asio::awaitable<Reply> update_workflow(Call& c) {
  auto body = object_body(c);
  if (!body) co_return reply_error(body.error());
  constexpr std::array<string_view, 4> allowed = {"name", "description", "status", "folder_id"};
  if (auto e = unknown_field(*body, allowed)) co_return reply_error(*e);
  auto name = string_field(*body, "name", k_max_name);
  if (!name) co_return reply_error(name.error());
  auto description = string_field(*body, "description", k_max_description, true);
  if (!description) co_return reply_error(description.error());
  auto status = string_field(*body, "status", 16);
  if (!status) co_return reply_error(status.error());
  auto folder_id = string_field(*body, "folder_id", 64);
  if (!folder_id) co_return reply_error(folder_id.error());
  if (*status && !contains(k_workflow_statuses, **status))
    co_return reply_error(Status::bad_request, "status \"" + **status + "\" is not valid",
                          "use one of: " + join(k_workflow_statuses));
  if (body->empty())
    co_return reply_error(Status::bad_request, "nothing to update", "send at least one of: " + join(allowed));
  const std::string& id = c.params[0];
  const std::int64_t now = c.now_ms;
  auto query = [&](Sql& db) -> Result<json::object> {
    auto current = load_workflow(db, id);
    if (!current) return not_found("workflow", id, "list workflows with GET /workflows");
    if (*folder_id && !folder_exists(db, **folder_id))
      return not_found("folder", **folder_id, "list folders with GET /folders and pass one of their ids");
    if (*status == "active") {
      if (auto problem = activation_problem(current->at("steps")))
        return failure(Status::unprocessable_entity, "workflow " + id + " cannot be activated: " + *problem,
                       "a workflow needs a trigger as its first step and at least one action; "
                       "create a new workflow with such steps");
    }
    auto s = db.prepare(
        "UPDATE workflows SET name = COALESCE(?2, name), description = COALESCE(?3, description),"
        " status = COALESCE(?4, status), folder_id = COALESCE(?5, folder_id), updated_at = ?6 WHERE id = ?1");
    s.bind_all(id, *name, *description, *status, *folder_id, now);
    s.run();
    return *load_workflow(db, id);
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> delete_workflow(Call& c) {
  const std::string& id = c.params[0];
  const std::int64_t now = c.now_ms;
  auto query = [&](Sql& db) -> Result<json::object> {
    return db.transaction([&]() -> Result<json::object> {
      if (!workflow_exists(db, id)) return not_found("workflow", id, "list workflows with GET /workflows");
      auto running = db.prepare(
          "SELECT id FROM executions WHERE workflow_id = ?1 AND state = 'running' AND started_at + ?3 > ?2 LIMIT 1");
      running.bind_all(id, now, k_run_ms);
      if (running.step())
        return failure(Status::conflict, "workflow " + id + " has a running execution (" + running.text(0) + ")",
                       "stop it with POST /executions/" + running.text(0) + "/stop or wait for it to finish");
      auto count = db.prepare("SELECT COUNT(*) FROM executions WHERE workflow_id = ?1");
      count.bind_all(id);
      count.step();
      const std::int64_t executions = count.int64(0);
      auto s = db.prepare("DELETE FROM workflows WHERE id = ?1");
      s.bind_all(id);
      s.run();
      return json::object{{"id", id}, {"deleted", true}, {"executions_deleted", executions}};
    });
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> workflow_diagram(Call& c) {
  const std::string& id = c.params[0];
  auto query = [&id](Sql& db) -> Result<json::object> {
    if (auto workflow = load_workflow(db, id)) return std::move(*workflow);
    return not_found("workflow", id, "list workflows with GET /workflows");
  };
  Result<json::object> workflow = co_await c.db.run(query);
  if (!workflow) co_return reply_error(workflow.error());
  std::vector<DiagramStep> steps;
  for (const json::value& step : workflow->at("steps").as_array()) {
    steps.push_back(DiagramStep{std::string(step.at("name").as_string()), std::string(step.at("type").as_string())});
  }
  std::string svg = workflow_svg(workflow->at("name").as_string(), steps);
  co_return http::make_reply(Status::ok, std::move(svg), "image/svg+xml");
}

}  // namespace mcpedge::demo::detail
