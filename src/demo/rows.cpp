// Rows to JSON and the small lookups every handler shares; all of it runs on the database thread.
#include "demo/api_support.hpp"

namespace mcpedge::demo::detail {

json::value parse_stored(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  return ec ? json::value(nullptr) : v;
}

json::object space_json(const Statement& s) {
  return {{"id", s.text(0)},
          {"name", s.text(1)},
          {"description", s.text(2)},
          {"folder_count", s.int64(4)},
          {"workflow_count", s.int64(5)},
          {"member_count", s.int64(6)},
          {"created_at", iso(s.int64(3))}};
}

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

}  // namespace mcpedge::demo::detail
