// What the sample API's handler files share: limits, errors, time, encodings, the request and rows as JSON.
#pragma once

#include "base/expected.hpp"
#include "demo/database.hpp"
#include "demo/sample_api.hpp"
#include "http/message.hpp"

#include "base/ascii.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpedge::demo::detail {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Reply;
using http::Status;
using std::string_view;

// How long a started execution runs before it succeeds.
constexpr std::int64_t k_run_ms = 2000;
constexpr std::size_t k_max_name = 100;
constexpr std::size_t k_max_description = 2000;
constexpr std::size_t k_max_steps = 50;
constexpr std::size_t k_max_large_bytes = 50u << 20;
constexpr std::int64_t k_max_slow_ms = 30000;

constexpr std::array<string_view, 2> k_workflow_statuses = {"active", "inactive"};
constexpr std::array<string_view, 4> k_execution_statuses = {"running", "succeeded", "failed", "cancelled"};
constexpr std::array<string_view, 4> k_case_statuses = {"open", "in_progress", "resolved", "closed"};
constexpr std::array<string_view, 4> k_case_priorities = {"low", "medium", "high", "urgent"};
constexpr std::array<string_view, 11> k_step_types = {
    "schedule_trigger", "webhook_trigger", "manual_trigger", "send_email", "post_to_slack", "http_request",
    "create_case",      "condition",       "delay",          "transform",  "update_record"};

// --- Errors: the one place where API failures become HTTP --------------------------------------

struct ApiError {
  Status status;
  std::string error;  // what was wrong
  std::string hint;   // what to do about it
};

template <class T>
using Result = Expected<T, ApiError>;

Unexpected<ApiError> failure(Status status, std::string error, std::string hint);
Unexpected<ApiError> bad_request(std::string error, std::string hint);
Unexpected<ApiError> not_found(string_view kind, string_view id, std::string hint);

Reply reply_json(Status status, const json::object& body);
Reply reply_error(const ApiError& e);
Reply reply_error(Status status, std::string error, std::string hint);

template <std::size_t N>
std::string join(const std::array<string_view, N>& items) {
  std::string out;
  for (string_view item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

template <std::size_t N>
bool contains(const std::array<string_view, N>& items, string_view value) {
  return std::find(items.begin(), items.end(), value) != items.end();
}

// --- Time: milliseconds since the epoch inside, ISO 8601 UTC on the wire -----------------------

std::string iso(std::int64_t ms);
json::value iso_or_null(std::optional<std::int64_t> ms);
// "2025-05-01", "2025-05-01T09:30", "2025-05-01T09:30:00", optional ".fff" and "Z" or "+02:00".
std::optional<std::int64_t> parse_iso(string_view text);

// --- Randomness, encodings ---------------------------------------------------------------------

std::string base64url(string_view bytes);
std::optional<std::string> base64url_decode(string_view text);
std::string random_bytes(std::size_t n);
// "wf_" + 10 characters of [a-z0-9]; the alphabet has 36 letters, so reject bytes >= 252 to stay uniform.
std::string new_id(string_view prefix);
// RFC 3986 percent-decoding; with `plus_is_space`, '+' is a space (HTML form / query encoding).
std::string percent_decode(string_view text, bool plus_is_space = false);

// --- The request as the handlers see it --------------------------------------------------------

struct Call {
  http::Incoming& in;
  Database& db;
  const SampleApi& api;
  std::int64_t now_ms;  // read once per request
  const Caller& caller;
  std::vector<std::string> params;  // the `*` segments of the route, percent-decoded
};

// {"key_kind", "api_key_id", "user_id", "org_id", "key_prefix"}; absent values are null.
json::object caller_json(const Caller& caller);

// The query's name/value pairs, decoded, in order. Parsed here rather than with Boost.URL: the
// parse_query of the installed Boost 1.81 reads a view up to a NUL instead of its size (past the
// end of a request target, or strlen(nullptr) for an empty view).
std::vector<std::pair<std::string, std::string>> query_pairs(string_view query);
std::optional<std::string> query_arg(const Call& c, string_view name);

// An integer query parameter within [min, max], or `fallback` when absent.
Result<std::int64_t> int_param(const Call& c, string_view name, std::int64_t fallback, std::int64_t min,
                               std::int64_t max);

template <std::size_t N>
Result<std::optional<std::string>> enum_param(const Call& c, string_view name,
                                              const std::array<string_view, N>& allowed) {
  auto text = query_arg(c, name);
  if (!text || text->empty()) return std::optional<std::string>();
  if (!contains(allowed, *text))
    return bad_request(std::string(name) + " \"" + *text + "\" is not valid", "use one of: " + join(allowed));
  return std::optional<std::string>(*text);
}

Result<json::value> json_body(const Call& c);
Result<json::object> object_body(const Call& c);

// 400 naming the first field that is not in `allowed`.
template <std::size_t N>
std::optional<ApiError> unknown_field(const json::object& body, const std::array<string_view, N>& allowed) {
  for (const auto& field : body) {
    if (!contains(allowed, field.key()))
      return ApiError{Status::bad_request, "unknown field \"" + std::string(field.key()) + "\" in request body",
                      "allowed fields: " + join(allowed)};
  }
  return std::nullopt;
}

// A string field: nullopt when absent; 400 when present but not a string of 1..max characters
// (0..max when `may_be_empty`).
Result<std::optional<std::string>> string_field(const json::object& body, string_view name, std::size_t max,
                                                bool may_be_empty = false);

// Runs `query` on the database thread and replies with its object (`ok`) or its error.
template <class F>
asio::awaitable<Reply> respond(Call& c, Status ok, F query) {
  Result<json::object> result = co_await c.db.run(query);
  if (!result) co_return reply_error(result.error());
  co_return reply_json(ok, *result);
}

// --- Rows to JSON (database thread) ------------------------------------------------------------

json::value parse_stored(const std::optional<std::string>& text);

constexpr string_view k_space_columns =
    "SELECT s.id, s.name, s.description, s.created_at,"
    " (SELECT COUNT(*) FROM folders f WHERE f.space_id = s.id),"
    " (SELECT COUNT(*) FROM workflows w JOIN folders f ON f.id = w.folder_id WHERE f.space_id = s.id),"
    " (SELECT COUNT(*) FROM members m WHERE m.space_id = s.id)"
    " FROM spaces s";

json::object space_json(const Statement& s);

constexpr string_view k_folder_columns =
    "SELECT f.id, f.space_id, s.name, f.name, f.description, f.created_at, f.updated_at,"
    " (SELECT COUNT(*) FROM workflows w WHERE w.folder_id = f.id)"
    " FROM folders f JOIN spaces s ON s.id = f.space_id";

json::object folder_json(const Statement& s);

constexpr string_view k_workflow_columns =
    "SELECT w.id, w.folder_id, f.space_id, w.name, w.description, w.status, w.steps, w.created_at, w.updated_at,"
    " json_array_length(w.steps)"
    " FROM workflows w JOIN folders f ON f.id = w.folder_id";

bool is_trigger(string_view type);

json::object workflow_json(const Statement& s, bool with_steps);

// Status and finish time are derived: a 'running' row has succeeded once k_run_ms have passed.
// ?1 = now, ?2 = k_run_ms.
constexpr string_view k_execution_select =
    "SELECT * FROM (SELECT e.id AS id, e.workflow_id AS workflow_id, w.name AS workflow_name,"
    " CASE WHEN e.state = 'running' AND e.started_at + ?2 <= ?1 THEN 'succeeded' ELSE e.state END AS status,"
    " e.input AS input, e.output AS output, e.error AS error, e.started_at AS started_at,"
    " CASE WHEN e.state = 'running' AND e.started_at + ?2 <= ?1 THEN e.started_at + ?2 ELSE e.finished_at END"
    " AS finished_at"
    " FROM executions e JOIN workflows w ON w.id = e.workflow_id)";

json::object execution_json(const Statement& s);

constexpr string_view k_case_columns =
    "SELECT c.id, c.title, c.description, c.status, c.priority, c.assignee, c.workflow_id, w.name,"
    " c.execution_id, c.created_at"
    " FROM cases c LEFT JOIN workflows w ON w.id = c.workflow_id";

json::value text_or_null(const Statement& s, int column);
json::object case_json(const Statement& s);

// Joins fixed SQL fragments (never request data: values are always bound parameters).
std::string sql(std::initializer_list<string_view> fragments);
std::string sql(string_view columns, string_view rest);

bool exists(Sql& db, string_view statement, string_view id);
bool folder_exists(Sql& db, string_view id);
bool workflow_exists(Sql& db, string_view id);

std::optional<json::object> load_workflow(Sql& db, string_view id);
std::optional<json::object> load_folder(Sql& db, string_view id);
std::optional<json::object> load_execution(Sql& db, string_view id, std::int64_t now);

// --- End-user API keys (end_user_keys.cpp) ----------------------------------------------------

// The caller a minted key stands for; 401 when no such key exists or it expired at or before `now_ms`.
asio::awaitable<Result<Caller>> find_end_user_key(Database& db, string_view token, std::int64_t now_ms);

// --- Workflow steps (workflows.cpp) ------------------------------------------------------------

// Checks client-supplied steps and gives them ids step_1, step_2, ...
Result<json::array> normalize_steps(const json::value& value);

}  // namespace mcpedge::demo::detail
