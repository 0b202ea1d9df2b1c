// Handlers for spaces and their folders.
#include "demo/api_support.hpp"
#include "demo/handlers.hpp"

namespace mcpedge::demo::detail {

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

}  // namespace mcpedge::demo::detail
