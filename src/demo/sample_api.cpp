// The sample API: key check, routing table and handlers; every SQL statement runs on the database thread.
#include "demo/sample_api.hpp"

#include "base/expected.hpp"
#include "demo/database.hpp"
#include "demo/media.hpp"
#include "demo/seed_data.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace mcpedge::demo {

namespace {

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

Unexpected<ApiError> failure(Status status, std::string error, std::string hint) {
  return Unexpected{ApiError{status, std::move(error), std::move(hint)}};
}
Unexpected<ApiError> bad_request(std::string error, std::string hint) {
  return failure(Status::bad_request, std::move(error), std::move(hint));
}
Unexpected<ApiError> not_found(string_view kind, string_view id, std::string hint) {
  return failure(Status::not_found, std::string(kind) + " " + std::string(id) + " not found", std::move(hint));
}

Reply reply_json(Status status, const json::object& body) { return http::json_reply(status, json::serialize(body)); }

Reply reply_error(const ApiError& e) {
  json::object body{{"error", e.error}};
  if (!e.hint.empty()) body["hint"] = e.hint;
  return reply_json(e.status, body);
}

Reply reply_error(Status status, std::string error, std::string hint) {
  return reply_error(ApiError{status, std::move(error), std::move(hint)});
}

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

std::string iso(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf, n);
  if (ms % 1000 != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms % 1000));
    out += frac;
  }
  return out + "Z";
}

json::value iso_or_null(std::optional<std::int64_t> ms) { return ms ? json::value(iso(*ms)) : json::value(nullptr); }

// Reads `digits` digits at text[pos]; false if they are not all there.
bool read_number(string_view text, std::size_t pos, std::size_t digits, int& out) {
  if (pos + digits > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

// "2025-05-01", "2025-05-01T09:30", "2025-05-01T09:30:00", optional ".fff" and "Z" or "+02:00".
std::optional<std::int64_t> parse_iso(string_view text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!read_number(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !read_number(text, 5, 2, month) ||
      text[7] != '-' || !read_number(text, 8, 2, day))
    return std::nullopt;
  std::size_t pos = 10;
  std::int64_t offset_s = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    if (!read_number(text, pos + 1, 2, hour) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_number(text, pos + 4, 2, minute))
      return std::nullopt;
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      if (!read_number(text, pos + 1, 2, second)) return std::nullopt;
      pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        std::size_t start = ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
          if (pos - start < 3) millis = millis * 10 + (text[pos] - '0');
          ++pos;
        }
        if (pos == start) return std::nullopt;
        for (std::size_t d = std::min<std::size_t>(pos - start, 3); d < 3; ++d) millis *= 10;
      }
    }
    if (pos < text.size()) {
      if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
        pos += 1;
      } else if (text[pos] == '+' || text[pos] == '-') {
        int oh = 0, om = 0;
        if (!read_number(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !read_number(text, pos + 4, 2, om) || pos + 6 != text.size() || oh > 23 || om > 59)
          return std::nullopt;
        offset_s = (text[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        pos += 6;
      } else {
        return std::nullopt;
      }
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t secs = timegm(&tm);
  return (static_cast<std::int64_t>(secs) - offset_s) * 1000 + millis;
}

// --- Randomness, encodings ---------------------------------------------------------------------

std::string base64url(string_view bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(k_alphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(k_alphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::optional<std::string> base64url_decode(string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  return out;
}

// "wf_" + 10 characters of [a-z0-9]; the alphabet has 36 letters, so reject bytes >= 252 to stay uniform.
std::string new_id(string_view prefix) {
  static constexpr char k_alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id(prefix);
  while (id.size() < prefix.size() + 10) {
    for (unsigned char c : random_bytes(16)) {
      if (c < 252 && id.size() < prefix.size() + 10) id.push_back(k_alphabet[c % 36]);
    }
  }
  return id;
}

// RFC 3986 percent-decoding; with `plus_is_space`, '+' is a space (HTML form / query encoding).
std::string percent_decode(string_view text, bool plus_is_space = false) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (plus_is_space && text[i] == '+') {
      out.push_back(' ');
      continue;
    }
    if (text[i] == '%' && i + 2 < text.size()) {
      int value = 0;
      auto [p, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec == std::errc() && p == text.data() + i + 3) {
        out.push_back(static_cast<char>(value));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string lower(string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// --- The request as the handlers see it --------------------------------------------------------

struct Call {
  http::Incoming& in;
  Database& db;
  std::int64_t now_ms;  // read once per request
  string_view api_key;
  std::vector<std::string> params;  // the `*` segments of the route, percent-decoded
};

// The query's name/value pairs, decoded, in order. Parsed here rather than with Boost.URL: the
// parse_query of the installed Boost 1.81 reads a view up to a NUL instead of its size (past the
// end of a request target, or strlen(nullptr) for an empty view).
std::vector<std::pair<std::string, std::string>> query_pairs(string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t end = query.find('&', pos);
    if (end == string_view::npos) end = query.size();
    const string_view item = query.substr(pos, end - pos);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      pairs.emplace_back(percent_decode(item.substr(0, eq), true),
                         eq == string_view::npos ? std::string() : percent_decode(item.substr(eq + 1), true));
    }
    pos = end + 1;
  }
  return pairs;
}

std::optional<std::string> query_arg(const Call& c, string_view name) {
  for (auto& [key, value] : query_pairs(c.in.query))
    if (key == name) return std::move(value);
  return std::nullopt;
}

// An integer query parameter within [min, max], or `fallback` when absent.
Result<std::int64_t> int_param(const Call& c, string_view name, std::int64_t fallback, std::int64_t min,
                               std::int64_t max) {
  auto text = query_arg(c, name);
  if (!text || text->empty()) return fallback;
  std::int64_t value = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || p != text->data() + text->size() || value < min || value > max)
    return bad_request(std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", got \"" + *text + "\"",
                       "pass ?" + std::string(name) + "=" + std::to_string(fallback) + " or leave it out");
  return value;
}

template <std::size_t N>
Result<std::optional<std::string>> enum_param(const Call& c, string_view name,
                                              const std::array<string_view, N>& allowed) {
  auto text = query_arg(c, name);
  if (!text || text->empty()) return std::optional<std::string>();
  if (!contains(allowed, *text))
    return bad_request(std::string(name) + " \"" + *text + "\" is not valid", "use one of: " + join(allowed));
  return std::optional<std::string>(*text);
}

// The body as JSON; an empty body counts as {}.
Result<json::value> json_body(const Call& c) {
  const std::string& body = c.in.request.body();
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::value(json::object());
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec)
    return bad_request("request body is not valid JSON: " + ec.message(),
                       "send a JSON object with Content-Type: application/json");
  return value;
}

Result<json::object> object_body(const Call& c) {
  auto value = json_body(c);
  if (!value) return Unexpected{value.error()};
  if (!value->is_object())
    return bad_request("request body must be a JSON object", "send a JSON object such as {\"name\": \"...\"}");
  return std::move(value->as_object());
}

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
                                                bool may_be_empty = false) {
  auto it = body.find(name);
  if (it == body.end()) return std::optional<std::string>();
  if (!it->value().is_string())
    return bad_request(
        "field \"" + std::string(name) + "\" must be a string, got " + json::serialize(it->value()).substr(0, 40),
        "send \"" + std::string(name) + "\": \"...\"");
  std::string value(it->value().as_string());
  if (value.empty() && !may_be_empty)
    return bad_request("field \"" + std::string(name) + "\" must not be empty", "send a non-empty string");
  if (value.size() > max)
    return bad_request("field \"" + std::string(name) + "\" is longer than " + std::to_string(max) + " characters",
                       "shorten it");
  return std::optional<std::string>(std::move(value));
}

// --- Rows to JSON (database thread) ------------------------------------------------------------

json::value parse_stored(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  return ec ? json::value(nullptr) : v;
}

constexpr string_view k_space_columns =
    "SELECT s.id, s.name, s.description, s.created_at,"
    " (SELECT COUNT(*) FROM folders f WHERE f.space_id = s.id),"
    " (SELECT COUNT(*) FROM workflows w JOIN folders f ON f.id = w.folder_id WHERE f.space_id = s.id),"
    " (SELECT COUNT(*) FROM members m WHERE m.space_id = s.id)"
    " FROM spaces s";

json::object space_json(const Statement& s) {
  return {{"id", s.text(0)},
          {"name", s.text(1)},
          {"description", s.text(2)},
          {"folder_count", s.int64(4)},
          {"workflow_count", s.int64(5)},
          {"member_count", s.int64(6)},
          {"created_at", iso(s.int64(3))}};
}

constexpr string_view k_folder_columns =
    "SELECT f.id, f.space_id, s.name, f.name, f.description, f.created_at, f.updated_at,"
    " (SELECT COUNT(*) FROM workflows w WHERE w.folder_id = f.id)"
    " FROM folders f JOIN spaces s ON s.id = f.space_id";

json::object folder_json(const Statement& s) {
  return {{"id", s.text(0)},
          {"space_id", s.text(1)},
          {"space_name", s.text(2)},
          {"name", s.text(3)},
          {"description", s.text(4)},
          {"workflow_count", s.int64(7)},
          {"created_at", iso(s.int64(5))},
          {"updated_at", iso(s.int64(6))}};
}

constexpr string_view k_workflow_columns =
    "SELECT w.id, w.folder_id, f.space_id, w.name, w.description, w.status, w.steps, w.created_at, w.updated_at,"
    " json_array_length(w.steps)"
    " FROM workflows w JOIN folders f ON f.id = w.folder_id";

bool is_trigger(string_view type) { return type.ends_with("_trigger"); }

json::object workflow_json(const Statement& s, bool with_steps) {
  json::object out{{"id", s.text(0)},          {"folder_id", s.text(1)},        {"space_id", s.text(2)},
                   {"name", s.text(3)},        {"description", s.text(4)},      {"status", s.text(5)},
                   {"step_count", s.int64(9)}, {"created_at", iso(s.int64(7))}, {"updated_at", iso(s.int64(8))}};
  json::value steps = parse_stored(s.text(6));
  out["trigger"] = nullptr;  // the first step's type when it is a trigger
  if (steps.is_array() && !steps.as_array().empty() && steps.as_array()[0].is_object()) {
    const json::value& type = steps.as_array()[0].as_object()["type"];
    if (type.is_string() && is_trigger(type.as_string())) out["trigger"] = type;
  }
  if (with_steps) out["steps"] = std::move(steps);
  return out;
}

// Status and finish time are derived: a 'running' row has succeeded once k_run_ms have passed.
// ?1 = now, ?2 = k_run_ms.
constexpr string_view k_execution_select =
    "SELECT * FROM (SELECT e.id AS id, e.workflow_id AS workflow_id, w.name AS workflow_name,"
    " CASE WHEN e.state = 'running' AND e.started_at + ?2 <= ?1 THEN 'succeeded' ELSE e.state END AS status,"
    " e.input AS input, e.output AS output, e.error AS error, e.started_at AS started_at,"
    " CASE WHEN e.state = 'running' AND e.started_at + ?2 <= ?1 THEN e.started_at + ?2 ELSE e.finished_at END"
    " AS finished_at"
    " FROM executions e JOIN workflows w ON w.id = e.workflow_id)";

json::object execution_json(const Statement& s) {
  const std::string status = s.text(3);
  json::object out{{"id", s.text(0)},
                   {"workflow_id", s.text(1)},
                   {"workflow_name", s.text(2)},
                   {"status", status},
                   {"input", parse_stored(s.optional_text(4))},
                   {"output", status == "succeeded" ? parse_stored(s.optional_text(5)) : json::value(nullptr)},
                   {"error", s.is_null(6) ? json::value(nullptr) : json::value(s.text(6))},
                   {"started_at", iso(s.int64(7))},
                   {"finished_at", iso_or_null(s.optional_int64(8))}};
  if (auto finished = s.optional_int64(8)) out["duration_ms"] = *finished - s.int64(7);
  return out;
}

constexpr string_view k_case_columns =
    "SELECT c.id, c.title, c.description, c.status, c.priority, c.assignee, c.workflow_id, w.name,"
    " c.execution_id, c.created_at"
    " FROM cases c LEFT JOIN workflows w ON w.id = c.workflow_id";

json::value text_or_null(const Statement& s, int column) {
  return s.is_null(column) ? json::value(nullptr) : json::value(s.text(column));
}

json::object case_json(const Statement& s) {
  return {{"id", s.text(0)},
          {"title", s.text(1)},
          {"description", s.text(2)},
          {"status", s.text(3)},
          {"priority", s.text(4)},
          {"assignee", text_or_null(s, 5)},
          {"workflow_id", text_or_null(s, 6)},
          {"workflow_name", text_or_null(s, 7)},
          {"execution_id", text_or_null(s, 8)},
          {"created_at", iso(s.int64(9))}};
}

// Joins fixed SQL fragments (never request data: values are always bound parameters).
std::string sql(std::initializer_list<string_view> fragments) {
  std::string out;
  for (string_view f : fragments) {
    if (!out.empty()) out.push_back(' ');
    out.append(f.data(), f.size());
  }
  return out;
}
std::string sql(string_view columns, string_view rest) { return sql({columns, rest}); }

bool exists(Sql& db, string_view statement, string_view id) {
  auto s = db.prepare(statement);
  s.bind_all(id);
  return s.step();
}
bool folder_exists(Sql& db, string_view id) { return exists(db, "SELECT 1 FROM folders WHERE id = ?1", id); }
bool workflow_exists(Sql& db, string_view id) { return exists(db, "SELECT 1 FROM workflows WHERE id = ?1", id); }

std::optional<json::object> load_workflow(Sql& db, string_view id) {
  auto s = db.prepare(sql(k_workflow_columns, "WHERE w.id = ?1"));
  s.bind_all(id);
  if (!s.step()) return std::nullopt;
  return workflow_json(s, true);
}

std::optional<json::object> load_folder(Sql& db, string_view id) {
  auto s = db.prepare(sql(k_folder_columns, "WHERE f.id = ?1"));
  s.bind_all(id);
  if (!s.step()) return std::nullopt;
  return folder_json(s);
}

std::optional<json::object> load_execution(Sql& db, string_view id, std::int64_t now) {
  auto s = db.prepare(sql(k_execution_select, "WHERE id = ?3"));
  s.bind_all(now, k_run_ms, id);
  if (!s.step()) return std::nullopt;
  return execution_json(s);
}

// --- Workflow steps ----------------------------------------------------------------------------

std::string default_step_name(string_view type) {
  std::string name(type);
  std::replace(name.begin(), name.end(), '_', ' ');
  if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

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

// --- Handlers: spaces and folders --------------------------------------------------------------

template <class F>
asio::awaitable<Reply> respond(Call& c, Status ok, F query) {
  Result<json::object> result = co_await c.db.run(query);
  if (!result) co_return reply_error(result.error());
  co_return reply_json(ok, *result);
}

asio::awaitable<Reply> list_spaces(Call& c) {
  auto query = [](Sql& db) -> Result<json::object> {
    json::array spaces;
    auto s = db.prepare(sql(k_space_columns, "ORDER BY s.created_at, s.id"));
    while (s.step()) spaces.push_back(space_json(s));
    return json::object{{"spaces", std::move(spaces)}};
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> get_space(Call& c) {
  const std::string& id = c.params[0];
  auto query = [&id](Sql& db) -> Result<json::object> {
    auto s = db.prepare(sql(k_space_columns, "WHERE s.id = ?1"));
    s.bind_all(id);
    if (!s.step()) return not_found("space", id, "list spaces with GET /spaces");
    json::object space = space_json(s);
    json::array members, folders;
    auto m = db.prepare("SELECT email, name, role FROM members WHERE space_id = ?1 ORDER BY role = 'owner' DESC, name");
    m.bind_all(id);
    while (m.step()) members.push_back(json::object{{"email", m.text(0)}, {"name", m.text(1)}, {"role", m.text(2)}});
    auto f = db.prepare("SELECT id, name FROM folders WHERE space_id = ?1 ORDER BY name");
    f.bind_all(id);
    while (f.step()) folders.push_back(json::object{{"id", f.text(0)}, {"name", f.text(1)}});
    space["members"] = std::move(members);
    space["folders"] = std::move(folders);
    return space;
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> list_folders(Call& c) {
  const std::optional<std::string> space_id = query_arg(c, "space_id");
  auto query = [&space_id](Sql& db) -> Result<json::object> {
    if (space_id && !exists(db, "SELECT 1 FROM spaces WHERE id = ?1", *space_id))
      return not_found("space", *space_id, "list spaces with GET /spaces");
    json::array folders;
    auto s = db.prepare(sql(k_folder_columns, "WHERE ?1 IS NULL OR f.space_id = ?1 ORDER BY s.name, f.name"));
    s.bind_all(space_id);
    while (s.step()) folders.push_back(folder_json(s));
    return json::object{{"folders", std::move(folders)}};
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> get_folder(Call& c) {
  const std::string& id = c.params[0];
  auto query = [&id](Sql& db) -> Result<json::object> {
    if (auto folder = load_folder(db, id)) return std::move(*folder);
    return not_found("folder", id, "list folders with GET /folders");
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> update_folder(Call& c) {
  auto body = object_body(c);
  if (!body) co_return reply_error(body.error());
  constexpr std::array<string_view, 2> allowed = {"name", "description"};
  if (auto e = unknown_field(*body, allowed)) co_return reply_error(*e);
  auto name = string_field(*body, "name", k_max_name);
  if (!name) co_return reply_error(name.error());
  auto description = string_field(*body, "description", k_max_description, true);
  if (!description) co_return reply_error(description.error());
  if (!*name && !*description)
    co_return reply_error(Status::bad_request, "nothing to update", "send \"name\" and/or \"description\"");
  const std::string& id = c.params[0];
  const std::int64_t now = c.now_ms;
  auto query = [&](Sql& db) -> Result<json::object> {
    auto s = db.prepare(
        "UPDATE folders SET name = COALESCE(?2, name), description = COALESCE(?3, description), updated_at = ?4"
        " WHERE id = ?1");
    s.bind_all(id, *name, *description, now);
    s.run();
    if (db.changes() == 0) return not_found("folder", id, "list folders with GET /folders");
    return *load_folder(db, id);
  };
  co_return co_await respond(c, Status::ok, query);
}

// --- Handlers: workflows -----------------------------------------------------------------------

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

// --- Handlers: executions ----------------------------------------------------------------------

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

// --- Handlers: cases ---------------------------------------------------------------------------

// LIKE pattern text with its wildcards escaped (ESCAPE '\').
std::string like_escape(string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  return out;
}

asio::awaitable<Reply> search_cases(Call& c) {
  auto limit = int_param(c, "limit", 20, 1, 100);
  if (!limit) co_return reply_error(limit.error());
  const std::string q = query_arg(c, "q").value_or("");
  if (q.size() > 200)
    co_return reply_error(Status::bad_request, "q is longer than 200 characters", "search for fewer words");
  // Every word must appear in the title or the description, in any order.
  json::array terms;
  std::size_t pos = 0;
  while ((pos = q.find_first_not_of(" \t", pos)) != std::string::npos) {
    std::size_t end = q.find_first_of(" \t", pos);
    terms.push_back(json::string(like_escape(q.substr(pos, end - pos))));
    pos = end;
  }
  const std::string terms_text = json::serialize(terms);
  auto query = [&](Sql& db) -> Result<json::object> {
    constexpr string_view match =
        R"(WHERE NOT EXISTS (SELECT 1 FROM json_each(?1) t WHERE c.title NOT LIKE '%' || t.value || '%' ESCAPE '\')"
        R"( AND c.description NOT LIKE '%' || t.value || '%' ESCAPE '\'))";
    auto s = db.prepare(sql({k_case_columns, match, "ORDER BY c.created_at DESC, c.id DESC LIMIT ?2"}));
    s.bind_all(terms_text, *limit);
    json::array cases;
    while (s.step()) cases.push_back(case_json(s));
    auto total = db.prepare(sql("SELECT COUNT(*) FROM cases c", match));
    total.bind_all(terms_text);
    total.step();
    const std::size_t count = cases.size();
    return json::object{{"cases", std::move(cases)}, {"count", count}, {"total", total.int64(0)}, {"query", q}};
  };
  co_return co_await respond(c, Status::ok, query);
}

// A list of allowed values given as an array (or one string); nullopt when absent.
template <std::size_t N>
Result<std::optional<std::string>> enum_list(const json::object& body, string_view name,
                                             const std::array<string_view, N>& allowed) {
  const json::value* value = body.if_contains(name);
  if (!value || value->is_null()) return std::optional<std::string>();
  json::array items;
  if (value->is_string())
    items.push_back(*value);
  else if (value->is_array())
    items = value->as_array();
  else
    return bad_request("field \"" + std::string(name) + "\" must be an array of strings",
                       "send \"" + std::string(name) + "\": [\"" + std::string(allowed[0]) + "\"]");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string() || !contains(allowed, items[i].as_string()))
      return bad_request(
          std::string(name) + "[" + std::to_string(i) + "]: " + json::serialize(items[i]) + " is not a valid value",
          "use any of: " + join(allowed));
  }
  return std::optional<std::string>(json::serialize(items));
}

asio::awaitable<Reply> filter_cases(Call& c) {
  auto body = object_body(c);
  if (!body) co_return reply_error(body.error());
  constexpr std::array<string_view, 5> allowed = {"status", "priority", "assignee", "created_after", "limit"};
  if (auto e = unknown_field(*body, allowed)) co_return reply_error(*e);
  auto statuses = enum_list(*body, "status", k_case_statuses);
  if (!statuses) co_return reply_error(statuses.error());
  auto priorities = enum_list(*body, "priority", k_case_priorities);
  if (!priorities) co_return reply_error(priorities.error());
  bool by_assignee = false;
  std::optional<std::string> assignee;
  if (const json::value* a = body->if_contains("assignee")) {
    by_assignee = true;
    if (a->is_string() && !a->as_string().empty())
      assignee = std::string(a->as_string());
    else if (!a->is_null())
      co_return reply_error(Status::bad_request, "field \"assignee\" must be an email address or null",
                            "send \"assignee\": \"maya.chen@acme.example\", or null for unassigned cases");
  }
  std::optional<std::int64_t> created_after;
  if (const json::value* t = body->if_contains("created_after"); t && !t->is_null()) {
    if (t->is_string()) created_after = parse_iso(t->as_string());
    if (!created_after)
      co_return reply_error(
          Status::bad_request,
          "field \"created_after\" must be an ISO 8601 date or date-time, got " + json::serialize(*t).substr(0, 40),
          "for example \"2025-05-01\" or \"2025-05-01T09:00:00Z\"");
  }
  std::int64_t limit = 50;
  if (const json::value* l = body->if_contains("limit")) {
    if (!l->is_int64() || l->as_int64() < 1 || l->as_int64() > 100)
      co_return reply_error(Status::bad_request, "field \"limit\" must be an integer from 1 to 100",
                            "leave it out for 50");
    limit = l->as_int64();
  }
  auto query = [&](Sql& db) -> Result<json::object> {
    auto s = db.prepare(sql(k_case_columns,
                            "WHERE (?1 IS NULL OR c.status IN (SELECT value FROM json_each(?1)))"
                            " AND (?2 IS NULL OR c.priority IN (SELECT value FROM json_each(?2)))"
                            " AND (?3 = 0 OR (?4 IS NULL AND c.assignee IS NULL) OR c.assignee = ?4 COLLATE NOCASE)"
                            " AND (?5 IS NULL OR c.created_at > ?5)"
                            " ORDER BY c.created_at DESC, c.id DESC LIMIT ?6"));
    s.bind_all(*statuses, *priorities, by_assignee, assignee);
    if (created_after)
      s.bind(5, *created_after);
    else
      s.bind(5, nullptr);
    s.bind(6, limit);
    json::array cases;
    while (s.step()) cases.push_back(case_json(s));
    const std::size_t count = cases.size();
    return json::object{{"cases", std::move(cases)}, {"count", count}};
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> summarize_cases(Call& c) {
  constexpr std::array<string_view, 3> groupings = {"status", "priority", "assignee"};
  auto group_by = enum_param(c, "group_by", groupings);
  if (!group_by) co_return reply_error(group_by.error());
  const std::string by = group_by->value_or("status");
  auto query = [&by](Sql& db) -> Result<json::object> {
    // One fixed statement per grouping: the column name never comes from the request.
    const char* statement = by == "status"     ? "SELECT status, COUNT(*) FROM cases GROUP BY status"
                            : by == "priority" ? "SELECT priority, COUNT(*) FROM cases GROUP BY priority"
                                               : "SELECT assignee, COUNT(*) FROM cases GROUP BY assignee"
                                                 " ORDER BY COUNT(*) DESC, assignee IS NULL, assignee";
    auto s = db.prepare(statement);
    json::array groups;
    std::int64_t total = 0;
    std::vector<std::pair<std::string, std::int64_t>> counts;
    while (s.step()) {
      total += s.int64(1);
      if (by == "assignee")
        groups.push_back(json::object{{"key", text_or_null(s, 0)}, {"count", s.int64(1)}});
      else
        counts.emplace_back(s.text(0), s.int64(1));
    }
    auto add_all = [&](const auto& values) {  // every value, zero counts included, in a fixed order
      for (string_view v : values) {
        std::int64_t n = 0;
        for (const auto& [key, count] : counts)
          if (key == v) n = count;
        groups.push_back(json::object{{"key", v}, {"count", n}});
      }
    };
    if (by == "status") add_all(k_case_statuses);
    if (by == "priority") add_all(k_case_priorities);
    return json::object{{"group_by", by}, {"total", total}, {"groups", std::move(groups)}};
  };
  co_return co_await respond(c, Status::ok, query);
}

asio::awaitable<Reply> get_case(Call& c) {
  const std::string& id = c.params[0];
  auto query = [&id](Sql& db) -> Result<json::object> {
    auto s = db.prepare(sql(k_case_columns, "WHERE c.id = ?1"));
    s.bind_all(id);
    if (!s.step()) return not_found("case", id, "search cases with GET /cases?q=...");
    return case_json(s);
  };
  co_return co_await respond(c, Status::ok, query);
}

// --- Handlers: AI generation -------------------------------------------------------------------

struct Proposal {
  json::object workflow;
  json::array recognized;
};

std::size_t find_any(string_view text, const std::vector<string_view>& words, string_view& found) {
  std::size_t best = string_view::npos;
  for (string_view w : words) {
    std::size_t at = text.find(w);
    if (at < best) {
      best = at;
      found = w;
    }
  }
  return best;
}

// Word starting with `mark` (e.g. "#alerts" or an email address around '@'), or empty.
std::string token_with(string_view text, char mark) {
  std::size_t at = text.find(mark);
  if (at == string_view::npos) return {};
  auto is_word = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_' || ch == '+';
  };
  std::size_t start = at, end = at + 1;
  if (mark == '@')
    while (start > 0 && is_word(text[start - 1])) --start;
  while (end < text.size() && is_word(text[end])) ++end;
  while (end > at + 1 && text[end - 1] == '.') --end;  // sentence-final period
  if (end == at + 1 || (start == at && mark == '@')) return {};
  return std::string(text.substr(start, end - start));
}

// Deterministic: the same prompt always gives the same proposal.
Proposal propose_workflow(string_view prompt) {
  const std::string text = lower(prompt);
  json::array recognized, steps;
  string_view word;

  std::string adjective;
  json::object trigger;
  if (find_any(text, {"webhook"}, word) != string_view::npos) {
    trigger = {{"type", "webhook_trigger"}, {"name", "Incoming webhook"}, {"config", json::object()}};
    adjective = "Webhook";
  } else if (find_any(text, {"every day", "daily", "every morning", "each day", "every night", "nightly"}, word) !=
             string_view::npos) {
    trigger = {{"type", "schedule_trigger"},
               {"name", "Every day at 09:00"},
               {"config", {{"cron", "0 9 * * *"}, {"timezone", "UTC"}}}};
    adjective = "Daily";
  } else if (find_any(text, {"every week", "weekly", "every monday"}, word) != string_view::npos) {
    trigger = {{"type", "schedule_trigger"},
               {"name", "Every Monday at 09:00"},
               {"config", {{"cron", "0 9 * * 1"}, {"timezone", "UTC"}}}};
    adjective = "Weekly";
  } else if (find_any(text, {"every hour", "hourly"}, word) != string_view::npos) {
    trigger = {
        {"type", "schedule_trigger"}, {"name", "Every hour"}, {"config", {{"cron", "0 * * * *"}, {"timezone", "UTC"}}}};
    adjective = "Hourly";
  } else {
    word = {};
    trigger = {{"type", "manual_trigger"}, {"name", "Started manually"}, {"config", json::object()}};
  }
  if (!word.empty()) recognized.push_back(json::string(word));
  steps.push_back(std::move(trigger));

  struct Action {
    std::vector<string_view> words;
    string_view type, step_name, label;
  };
  const std::string channel = token_with(prompt, '#');
  const std::string email = token_with(prompt, '@');
  const Action actions[] = {
      {{"email", "e-mail"}, "send_email", "Send email", "email"},
      {{"slack"}, "post_to_slack", channel.empty() ? "Post to Slack" : "", "Slack message"},
      {{"http", " api", "call "}, "http_request", "Call HTTP API", "API call"},
      {{"case", "ticket"}, "create_case", "Open a case", "case"},
      {{" if ", "only when", "condition"}, "condition", "Check condition", "check"},
      {{"wait", "delay"}, "delay", "Wait", "delay"},
      {{"transform", "summar", "format", "enrich"}, "transform", "Transform data", "data transform"},
      {{"update", "crm", "record"}, "update_record", "Update record", "record update"},
  };
  std::vector<std::pair<std::size_t, const Action*>> found;
  for (const Action& a : actions) {
    string_view hit;
    std::size_t at = find_any(" " + text + " ", a.words, hit);
    if (at != string_view::npos) found.emplace_back(at, &a);
  }
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::string labels;
  for (std::size_t i = 0; i < found.size(); ++i) {
    const Action& a = *found[i].second;
    json::object config;
    std::string step_name(a.step_name);
    if (a.type == "send_email") config["to"] = email.empty() ? "{{recipient}}" : email;
    if (a.type == "post_to_slack") {
      config["channel"] = channel.empty() ? "#general" : channel;
      if (step_name.empty()) step_name = "Post to " + channel;
    }
    if (a.type == "delay") config["minutes"] = 15;
    steps.push_back(json::object{{"type", a.type}, {"name", step_name}, {"config", std::move(config)}});
    string_view hit;
    find_any(" " + text + " ", a.words, hit);
    recognized.push_back(json::string(hit));
    labels += i == 0 ? "" : i + 1 == found.size() ? " and " : ", ";
    labels += a.label;
  }
  if (labels.empty()) labels = "workflow";
  std::string name = adjective.empty() ? labels : adjective + " " + labels;
  if (adjective == "Webhook") name = labels + " on webhook";
  name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  if (name.size() > k_max_name) name.resize(k_max_name);
  std::string description(prompt.substr(0, k_max_description));
  return {json::object{{"name", name}, {"description", description}, {"steps", std::move(steps)}},
          std::move(recognized)};
}

asio::awaitable<Reply> generate_workflow(Call& c) {
  // Accepts {"prompt": "..."}, a bare JSON string, or plain text.
  const std::string& raw = c.in.request.body();
  std::string prompt;
  boost::system::error_code ec;
  json::value body = json::parse(raw, ec);
  if (ec) {
    prompt = raw;
  } else if (body.is_string()) {
    prompt = std::string(body.as_string());
  } else if (body.is_object()) {
    constexpr std::array<string_view, 1> allowed = {"prompt"};
    if (auto e = unknown_field(body.as_object(), allowed)) co_return reply_error(*e);
    auto p = string_field(body.as_object(), "prompt", 4000, true);
    if (!p) co_return reply_error(p.error());
    prompt = p->value_or("");
  } else {
    co_return reply_error(Status::bad_request, "request body must be {\"prompt\": \"...\"}",
                          "describe the workflow in plain words");
  }
  if (prompt.find_first_not_of(" \t\r\n") == std::string::npos)
    co_return reply_error(Status::bad_request, "prompt is empty",
                          "describe the workflow, e.g. \"send a slack message to #sales every day\"");
  if (prompt.size() > 4000)
    co_return reply_error(Status::bad_request, "prompt is longer than 4000 characters", "describe it more briefly");
  Proposal proposal = propose_workflow(prompt);
  json::array notes;
  if (proposal.workflow["steps"].as_array().size() < 2)
    notes.push_back("no action recognized; mention email, slack, http/api, case/ticket, wait, transform or update");
  if (proposal.workflow["steps"].as_array()[0].as_object()["type"].as_string() == "manual_trigger")
    notes.push_back("no schedule or webhook mentioned, so it starts manually");
  co_return reply_json(Status::ok, json::object{{"proposal", std::move(proposal.workflow)},
                                                {"recognized", std::move(proposal.recognized)},
                                                {"notes", std::move(notes)},
                                                {"next_step",
                                                 "review the proposal, then create it with POST /workflows "
                                                 "(add a folder_id); it starts inactive"}});
}

// --- Handlers: account and index ---------------------------------------------------------------

asio::awaitable<Reply> me(Call& c) {
  co_return reply_json(Status::ok, json::object{{"key_prefix", c.api_key.substr(0, 12)}, {"plan", "demo"}});
}

asio::awaitable<Reply> api_index(Call&) {
  json::array resources = {"/spaces", "/folders",       "/workflows",    "/executions",
                           "/cases",  "/cases/summary", "/cases/filter", "/ai/workflows/generate",
                           "/me"};
  co_return reply_json(Status::ok, json::object{{"name", "mcpedge sample API"},
                                                {"base_path", SampleApi::k_prefix},
                                                {"resources", std::move(resources)}});
}

// --- Handlers: diagnostics (protocol conformance tests) ----------------------------------------

asio::awaitable<Reply> diag_text(Call&) {
  co_return http::text_reply(Status::ok, "This is a simple text response for testing.");
}

asio::awaitable<Reply> diag_image(Call&) {
  co_return http::make_reply(Status::ok, std::string(png_pixel()), "image/png");
}

asio::awaitable<Reply> diag_audio(Call&) {
  co_return http::make_reply(Status::ok, wav_silence(std::chrono::milliseconds(100)), "audio/wav");
}

asio::awaitable<Reply> diag_embedded(Call&) {
  Reply reply = http::text_reply(Status::ok, "This is an embedded resource content.");
  reply.head.set(http::Field::content_location, "test://embedded-resource");
  co_return reply;
}

asio::awaitable<Reply> diag_mixed(Call&) {
  constexpr string_view boundary = "mcpedge-demo-7c1f0b";
  std::vector<MimePart> parts;
  parts.push_back({{{"Content-Type", "text/plain; charset=utf-8"}}, "Multiple content types test:"});
  parts.push_back({{{"Content-Type", "image/png"}, {"Content-Transfer-Encoding", "binary"}}, std::string(png_pixel())});
  parts.push_back({{{"Content-Type", "application/json"}, {"Content-Location", "test://mixed-content-resource"}},
                   R"({"test":"data","value":123})"});
  co_return http::make_reply(Status::ok, multipart_body(boundary, parts),
                             "multipart/mixed; boundary=" + std::string(boundary));
}

asio::awaitable<Reply> diag_error(Call&) {
  co_return reply_json(Status::internal_server_error,
                       json::object{{"error", "This tool intentionally returns an error for testing"}});
}

asio::awaitable<Reply> diag_echo(Call& c) {
  json::object query_args;
  for (auto& [key, text] : query_pairs(c.in.query)) {
    json::value value = json::string(text);
    if (auto* existing = query_args.if_contains(key)) {  // repeated keys become an array
      if (!existing->is_array()) *existing = json::array{*existing};
      existing->as_array().push_back(std::move(value));
    } else {
      query_args[key] = std::move(value);
    }
  }
  json::value body = nullptr;
  const std::string& raw = c.in.request.body();
  if (!raw.empty()) {
    boost::system::error_code ec;
    body = json::parse(raw, ec);
    if (ec) body = json::string(raw);
  }
  // Only x-echo-* headers: credentials and everything else stay out of the reply.
  json::object headers;
  for (const auto& field : c.in.request) {
    std::string name = lower(field.name_string());
    if (name.starts_with("x-echo-")) headers[name] = std::string(field.value());
  }
  co_return reply_json(Status::ok, json::object{{"method", std::string(c.in.request.method_string())},
                                                {"query", std::move(query_args)},
                                                {"body", std::move(body)},
                                                {"headers", std::move(headers)}});
}

asio::awaitable<Reply> diag_slow(Call& c) {
  std::int64_t ms = 1000;
  if (!c.params.empty()) {
    auto [p, ec] = std::from_chars(c.params[0].data(), c.params[0].data() + c.params[0].size(), ms);
    if (ec != std::errc() || p != c.params[0].data() + c.params[0].size() || ms < 0 || ms > k_max_slow_ms)
      co_return reply_error(Status::bad_request, "wait time \"" + c.params[0] + "\" is not an integer from 0 to 30000",
                            "use /diagnostics/slow/300 or /diagnostics/slow?ms=300");
  } else {
    auto given = int_param(c, "ms", 1000, 0, k_max_slow_ms);
    if (!given) co_return reply_error(given.error());
    ms = *given;
  }
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, std::chrono::milliseconds(ms));
  co_await timer.async_wait(asio::use_awaitable);
  co_return reply_json(Status::ok, json::object{{"waited_ms", ms}});
}

asio::awaitable<Reply> diag_status(Call& c) {
  const std::string& text = c.params[0];
  unsigned code = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
  if (ec != std::errc() || p != text.data() + text.size() || code < 200 || code > 599)
    co_return reply_error(Status::bad_request, "status \"" + text + "\" is not a number from 200 to 599",
                          "use e.g. /diagnostics/status/503");
  const auto status = static_cast<Status>(code);
  if (code == 204 || code == 304) {  // these never carry a body
    Reply reply;
    reply.head.result(status);
    reply.head.version(11);
    co_return reply;
  }
  co_return reply_json(status, json::object{{"status", code}});
}

asio::awaitable<Reply> diag_large(Call& c) {
  auto bytes = int_param(c, "bytes", -1, 0, static_cast<std::int64_t>(k_max_large_bytes));
  if (!bytes) co_return reply_error(bytes.error());
  if (*bytes < 0)
    co_return reply_error(Status::bad_request, "query parameter \"bytes\" is required",
                          "use e.g. /diagnostics/large?bytes=1048576 (at most 52428800)");
  std::string body(static_cast<std::size_t>(*bytes), '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = (i % 64 == 63) ? '\n' : static_cast<char>('a' + i % 26);
  co_return http::text_reply(Status::ok, std::move(body));
}

// --- Routing -----------------------------------------------------------------------------------

using Endpoint = asio::awaitable<Reply> (*)(Call&);

struct Route {
  http::Verb method;
  string_view pattern;  // segments after k_prefix; "*" matches one segment
  Endpoint endpoint;
};

// Literal segments come before "*" at the same place: the first pattern that matches decides.
constexpr Route k_routes[] = {
    {http::Verb::get, "", api_index},
    {http::Verb::get, "me", me},
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
  if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") {
    string_view token = auth.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    if (!token.empty()) return token;
  }
  return std::nullopt;
}

bool same_key(string_view a, string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
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
      seed_all(db);
    });
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

asio::awaitable<Reply> SampleApi::handle(http::Incoming& in) {
  const string_view path = in.path;
  if (!path.starts_with(k_prefix) || (path.size() > k_prefix.size() && path[k_prefix.size()] != '/'))
    co_return reply_error(Status::not_found, "no such path: " + std::string(path),
                          "sample API paths start with " + std::string(k_prefix) + "/");

  const std::optional<string_view> key = presented_key(in.request);
  if (!key) co_return reply_error(Status::unauthorized, "missing API key", "send X-API-Key");
  if (!same_key(*key, api_key_))
    co_return reply_error(Status::unauthorized, "invalid API key",
                          "use the key that `mcpedge demo` printed at start-up");

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

  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_().time_since_epoch()).count();
  Call call{in, *db_, now_ms, api_key_, std::move(params)};
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
