// Handlers for support cases: full-text search, structured filter, summary and lookup.
#include "demo/api_support.hpp"
#include "demo/handlers.hpp"

namespace mcpedge::demo::detail {

namespace {

// LIKE pattern text with its wildcards escaped (ESCAPE '\').
std::string like_escape(string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  return out;
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

}  // namespace

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

}  // namespace mcpedge::demo::detail
