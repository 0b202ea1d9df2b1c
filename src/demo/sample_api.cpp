// The sample API's front door: opening the database, the key check and the routing table to the handlers.
#include "demo/sample_api.hpp"

#include "demo/api_support.hpp"
#include "demo/database.hpp"
#include "demo/handlers.hpp"
#include "demo/seed_data.hpp"

#include <openssl/crypto.h>

#include <stdexcept>
#include <system_error>

namespace mcpedge::demo {

using namespace detail;

namespace {

// --- Handlers: account and index ---------------------------------------------------------------

asio::awaitable<Reply> me(Call& c) {
  co_return reply_json(Status::ok, json::object{{"key_prefix", c.caller.key_prefix}, {"plan", "demo"}});
}

asio::awaitable<Reply> api_index(Call&) {
  json::array resources = {"/spaces", "/folders",       "/workflows",        "/executions",
                           "/cases",  "/cases/summary", "/cases/filter",     "/ai/workflows/generate",
                           "/me",     "/whoami",        "/end_user_api_keys"};
  co_return reply_json(Status::ok, json::object{{"name", "mcpedge sample API"},
                                                {"base_path", SampleApi::k_prefix},
                                                {"resources", std::move(resources)}});
}

// --- Routing -----------------------------------------------------------------------------------

using Endpoint = asio::awaitable<Reply> (*)(Call&);

struct Route {
  http::Verb method;
  string_view pattern;  // segments after k_prefix; "*" matches one segment
  Endpoint endpoint;
  bool admin_only = false;  // minted end-user keys get 403
};

// Literal segments come before "*" at the same place: the first pattern that matches decides.
constexpr Route k_routes[] = {
    {http::Verb::get, "", api_index},
    {http::Verb::get, "me", me},
    {http::Verb::get, "whoami", whoami},
    {http::Verb::get, "whoami/last", whoami_last, true},
    {http::Verb::post, "end_user_api_keys", mint_end_user_key, true},
    {http::Verb::delete_, "end_user_api_keys/*", delete_end_user_key, true},
    {http::Verb::get, "spaces", list_spaces},
    {http::Verb::get, "spaces/*", get_space},
    {http::Verb::get, "folders", list_folders},
    {http::Verb::get, "folders/*", get_folder},
    {http::Verb::patch, "folders/*", update_folder},
    {http::Verb::get, "workflows", list_workflows},
    {http::Verb::post, "workflows", create_workflow},
    {http::Verb::get, "workflows/*", get_workflow},
    {http::Verb::patch, "workflows/*", update_workflow},
    {http::Verb::delete_, "workflows/*", delete_workflow},
    {http::Verb::get, "workflows/*/diagram", workflow_diagram},
    {http::Verb::post, "workflows/*/executions", start_execution},
    {http::Verb::get, "executions", list_executions},
    {http::Verb::get, "executions/*", get_execution},
    {http::Verb::post, "executions/*/stop", stop_execution},
    {http::Verb::get, "cases", search_cases},
    {http::Verb::post, "cases/filter", filter_cases},
    {http::Verb::get, "cases/summary", summarize_cases},
    {http::Verb::get, "cases/*", get_case},
    {http::Verb::post, "ai/workflows/generate", generate_workflow},
    {http::Verb::get, "diagnostics/text", diag_text},
    {http::Verb::get, "diagnostics/image", diag_image},
    {http::Verb::get, "diagnostics/audio", diag_audio},
    {http::Verb::get, "diagnostics/embedded", diag_embedded},
    {http::Verb::get, "diagnostics/mixed", diag_mixed},
    {http::Verb::get, "diagnostics/error", diag_error},
    {http::Verb::get, "diagnostics/echo", diag_echo},
    {http::Verb::post, "diagnostics/echo", diag_echo},
    {http::Verb::get, "diagnostics/slow", diag_slow},
    {http::Verb::get, "diagnostics/slow/*", diag_slow},
    {http::Verb::get, "diagnostics/status/*", diag_status},
    {http::Verb::get, "diagnostics/large", diag_large},
};

std::vector<string_view> split_path(string_view path) {
  std::vector<string_view> segments;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == string_view::npos) end = path.size();
    if (end > pos) segments.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return segments;
}

// The wildcard values if `pattern` matches `segments`.
std::optional<std::vector<std::string>> match(string_view pattern, const std::vector<string_view>& segments) {
  const std::vector<string_view> parts = split_path(pattern);
  if (parts.size() != segments.size()) return std::nullopt;
  std::vector<std::string> params;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string value = percent_decode(segments[i]);
    if (parts[i] == "*")
      params.push_back(std::move(value));
    else if (parts[i] != value)
      return std::nullopt;
  }
  return params;
}

// X-API-Key wins over Authorization; a non-Bearer Authorization counts as no key.
std::optional<std::string_view> presented_key(const http::Request& req) {
  if (string_view key = http::header(req, "X-API-Key"); !key.empty()) return key;
  string_view auth = http::header(req, http::Field::authorization);
  if (auth.size() > 7 && ascii_lower(auth.substr(0, 7)) == "bearer ") {
    string_view token = auth.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    if (!token.empty()) return token;
  }
  return std::nullopt;
}

bool same_key(string_view a, string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The admin key alone, or with identity headers (the `service` credential strategy: one credential,
// the user named beside it).
Caller admin_caller(const http::Request& req, string_view key) {
  Caller caller{Caller::Kind::admin, {}, {}, {}, std::string(key.substr(0, 12))};
  if (string_view user = http::header(req, "X-Mcpedge-User"); !user.empty()) {
    caller.kind = Caller::Kind::service;
    caller.user_id = user;
    caller.org_id = http::header(req, "X-Mcpedge-Org");
  }
  return caller;
}

// --- Start-up: schema, seed data, key ----------------------------------------------------------

void seed_all(Sql& db) {
  using namespace seed;
  for (const Space& s : k_spaces) {
    db.prepare("INSERT INTO spaces (id, name, description, created_at) VALUES (?1, ?2, ?3, ?4)")
        .bind_all(s.id, s.name, s.description, k_epoch_ms + s.day * k_day_ms)
        .run();
  }
  for (const Member& m : k_members) {
    db.prepare("INSERT INTO members (space_id, email, name, role) VALUES (?1, ?2, ?3, ?4)")
        .bind_all(m.space_id, m.email, m.name, m.role)
        .run();
  }
  for (const Folder& f : k_folders) {
    const std::int64_t at = k_epoch_ms + f.day * k_day_ms;
    db.prepare(
          "INSERT INTO folders (id, space_id, name, description, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, "
          "?5)")
        .bind_all(f.id, f.space_id, f.name, f.description, at)
        .run();
  }
  for (const Workflow& w : k_workflows) {
    auto steps = normalize_steps(json::parse(w.steps));
    if (!steps) throw std::logic_error("seed workflow " + std::string(w.id) + ": " + steps.error().error);
    const std::int64_t at = k_epoch_ms + w.day * k_day_ms;
    db.prepare(
          "INSERT INTO workflows (id, folder_id, name, description, status, steps, created_at, updated_at)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)")
        .bind_all(w.id, w.folder_id, w.name, w.description, w.status, json::serialize(*steps), at)
        .run();
  }
  for (const Execution& e : k_executions) {
    const std::int64_t started = k_epoch_ms + e.day * k_day_ms + 5 * k_hour_ms;
    auto optional = [](string_view v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); };
    db.prepare(
          "INSERT INTO executions (id, workflow_id, state, input, output, error, started_at, finished_at)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind_all(e.id, e.workflow_id, e.state, e.input, optional(e.output), optional(e.error), started,
                  started + e.duration_s * std::int64_t{1000})
        .run();
  }
  constexpr std::array<string_view, 8> statuses = {"open",   "in_progress", "open",        "resolved",
                                                   "closed", "open",        "in_progress", "resolved"};
  constexpr std::array<string_view, 7> priorities = {"medium", "high", "low", "urgent", "medium", "high", "low"};
  constexpr std::array<string_view, 6> assignees = {"maya.chen@acme.example",    "diego.santos@acme.example",
                                                    "amara.okafor@acme.example", "",
                                                    "liam.oconnor@acme.example", "sofia.alvarez@acme.example"};
  for (std::size_t i = 0; i < std::size(k_cases); ++i) {
    const Case& c = k_cases[i];
    const std::int64_t at = k_epoch_ms + static_cast<std::int64_t>(45 + 3 * i) * k_day_ms +
                            static_cast<std::int64_t>((5 * i) % 9) * k_hour_ms;
    const string_view assignee = assignees[i % assignees.size()];
    db.prepare(
          "INSERT INTO cases (id, title, description, status, priority, assignee, workflow_id, execution_id,"
          " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .bind_all("case_" + std::to_string(1001 + i), c.title, c.description, statuses[i % statuses.size()],
                  priorities[i % priorities.size()],
                  assignee.empty() ? std::nullopt : std::optional<std::string>(assignee), c.workflow_id,
                  c.execution_id.empty() ? std::nullopt : std::optional<std::string>(c.execution_id), at)
        .run();
  }
}

// Creates the schema, seed data and key on first use; returns the key.
std::string prepare_database(Sql& db, const std::filesystem::path& file) {
  auto version = db.prepare("PRAGMA user_version");
  version.step();
  const std::int64_t found = version.int64(0);
  if (found == 0) {
    db.transaction([&] {
      db.exec(seed::k_schema);
      db.exec(seed::k_schema_v2);
      seed_all(db);
    });
  } else if (found == 1) {
    db.transaction([&] { db.exec(seed::k_schema_v2); });  // keeps the data, adds end-user keys
  } else if (found != seed::k_schema_version) {
    throw std::runtime_error(file.string() + " has schema version " + std::to_string(found) + "; this mcpedge knows " +
                             std::to_string(seed::k_schema_version) +
                             ". Delete the file to start over with fresh data.");
  }
  auto stored = db.prepare("SELECT value FROM settings WHERE name = 'api_key'");
  if (stored.step()) return stored.text(0);
  std::string key = "wf_demo_" + base64url(random_bytes(24));  // 24 bytes = 32 base64url characters
  db.prepare("INSERT INTO settings (name, value) VALUES ('api_key', ?1)").bind_all(key).run();
  return key;
}

}  // namespace

std::string_view to_string(Caller::Kind kind) {
  switch (kind) {
    case Caller::Kind::admin:
      return "admin";
    case Caller::Kind::end_user:
      return "end_user";
    case Caller::Kind::service:
      return "service";
  }
  return "unknown";
}

SampleApi::SampleApi(std::unique_ptr<Database> db, std::string api_key, Clock clock)
    : db_(std::move(db)), api_key_(std::move(api_key)), clock_(std::move(clock)) {}

SampleApi::~SampleApi() = default;

std::shared_ptr<SampleApi> SampleApi::open(const std::filesystem::path& data_dir, Clock clock) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw std::runtime_error("cannot create data directory " + data_dir.string() + ": " + ec.message());
  const std::filesystem::path file = data_dir / "sample-api.db";
  std::unique_ptr<Database> db = Database::open(file);
  std::string key;
  try {
    key = db->run_blocking([&file](Sql& sql) { return prepare_database(sql, file); });
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot prepare the sample API database " + file.string() + ": " + e.what());
  }
  if (!clock) clock = [] { return std::chrono::system_clock::now(); };
  return std::shared_ptr<SampleApi>(new SampleApi(std::move(db), std::move(key), std::move(clock)));
}

std::optional<Caller> SampleApi::last_caller() const {
  std::lock_guard lock(last_mutex_);
  return last_caller_;
}

void SampleApi::remember(const Caller& caller) {
  std::lock_guard lock(last_mutex_);
  last_caller_ = caller;
}

asio::awaitable<Reply> SampleApi::handle(http::Incoming& in) {
  const string_view path = in.path;
  if (!path.starts_with(k_prefix) || (path.size() > k_prefix.size() && path[k_prefix.size()] != '/'))
    co_return reply_error(Status::not_found, "no such path: " + std::string(path),
                          "sample API paths start with " + std::string(k_prefix) + "/");

  const std::optional<string_view> key = presented_key(in.request);
  if (!key) co_return reply_error(Status::unauthorized, "missing API key", "send X-API-Key");
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_().time_since_epoch()).count();
  Caller caller;
  if (same_key(*key, api_key_)) {
    caller = admin_caller(in.request, *key);
  } else {
    Result<Caller> minted = co_await find_end_user_key(*db_, *key, now_ms);
    if (!minted) co_return reply_error(minted.error());
    caller = std::move(*minted);
  }

  const std::vector<string_view> segments = split_path(path.substr(k_prefix.size()));
  const Route* matched = nullptr;
  std::vector<std::string> params;
  for (const Route& route : k_routes) {
    if (auto found = match(route.pattern, segments)) {
      matched = &route;
      params = std::move(*found);
      break;
    }
  }
  if (!matched)
    co_return reply_error(Status::not_found, "no such path: " + std::string(path),
                          "GET " + std::string(k_prefix) + " lists the resources");
  const Route* route = nullptr;
  std::string allow;
  for (const Route& r : k_routes) {
    if (r.pattern != matched->pattern) continue;
    if (r.method == in.request.method()) route = &r;
    if (!allow.empty()) allow += ", ";
    allow += std::string(http::bhttp::to_string(r.method));
  }
  if (!route) {
    Reply reply = reply_error(Status::method_not_allowed,
                              std::string(in.request.method_string()) + " is not allowed on " + std::string(path),
                              "use " + allow);
    reply.head.set(http::Field::allow, allow);
    co_return reply;
  }

  if (route->admin_only && caller.kind == Caller::Kind::end_user)
    co_return reply_error(Status::forbidden,
                          std::string(in.request.method_string()) + " " + std::string(path) +
                              " needs the admin API key, not an end-user key",
                          "send the key that `mcpedge demo` printed at start-up");
  if (route->endpoint != whoami_last) remember(caller);

  Call call{in, *db_, *this, now_ms, caller, std::move(params)};
  std::optional<Reply> reply;
  std::string failure;
  try {
    reply = co_await route->endpoint(call);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!reply)
    co_return reply_error(Status::internal_server_error, "internal error: " + failure,
                          "this is a bug in the sample API; try again or report it");
  co_return std::move(*reply);
}

}  // namespace mcpedge::demo
