// Reads the tools list: each tool's name, schemas, annotations, icons and the http binding checked against its schema.
#include "config/checks.hpp"
#include "config/sections.hpp"
#include "config/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace mcpedge::config::detail {

namespace {

// What the checks of a tool's http binding need to know about its input schema.
struct SchemaFacts {
  bool known = false;  // false when the schema itself had errors: skip checks that depend on it
  std::vector<std::string> properties;
  std::vector<std::string> required;
  bool has(string_view name) const { return std::find(properties.begin(), properties.end(), name) != properties.end(); }
  bool is_required(string_view name) const {
    return std::find(required.begin(), required.end(), name) != required.end();
  }
};

constexpr string_view k_reserved_argument = "_api_key";

enum class SchemaRole { input, output };

// A tool schema: a mapping whose "type" is "object" ("type" is added first when absent). For the
// input schema, `facts` receives what the http binding is checked against.
std::optional<json::object> read_object_schema(Reader& r, const Field& f, SchemaRole role, SchemaFacts* facts) {
  if (!f.node.IsMap()) {
    r.error(f, "must be a mapping (a JSON Schema with type: object), got " + kind_of(f.node) +
                   "; write { type: object, properties: {...} }");
    return std::nullopt;
  }
  auto value = r.to_json(f);
  if (!value) return std::nullopt;
  json::object schema = std::move(value->as_object());
  bool ok = true;
  auto entry = [&](string_view name) -> Field {
    for (auto it = f.node.begin(); it != f.node.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == name)
        return {it->second, child_key(f.key, name), line_of(it->first, f.line)};
    return {YAML::Node(), child_key(f.key, name), f.line};
  };
  if (auto* type = schema.if_contains("type")) {
    if (!type->is_string() || type->as_string() != "object") {
      r.error(entry("type"),
              "must be \"object\" (MCP tools take a JSON object of arguments); put the arguments under properties");
      ok = false;
    }
  } else {
    json::object with_type;
    with_type.emplace("type", "object");
    for (auto& [k, v] : schema) with_type.emplace(k, std::move(v));
    schema = std::move(with_type);
  }
  std::vector<std::string> properties;
  if (auto* props = schema.if_contains("properties")) {
    Field pf = entry("properties");
    if (!props->is_object()) {
      r.error(pf, "must be a mapping from argument name to its schema, got " + kind_of(pf.node));
      ok = false;
    } else {
      for (auto it = pf.node.begin(); it != pf.node.end(); ++it) {
        std::string name = it->first.Scalar();
        if (role == SchemaRole::input && name == k_reserved_argument) {
          r.error(line_of(it->first, pf.line), child_key(pf.key, name),
                  "\"_api_key\" is reserved for the credential argument; rename the property");
          ok = false;
        }
        properties.push_back(name);
      }
    }
  }
  std::vector<std::string> required;
  if (auto* req = schema.if_contains("required")) {
    Field rf = entry("required");
    bool strings = req->is_array() && std::all_of(req->as_array().begin(), req->as_array().end(),
                                                  [](const json::value& v) { return v.is_string(); });
    if (!strings) {
      r.error(rf, "must be a list of property names, got " + kind_of(rf.node) + "; write [name, other]");
      ok = false;
    } else {
      for (const auto& v : req->as_array()) required.emplace_back(v.as_string());
    }
  }
  if (!ok) return std::nullopt;
  if (facts) *facts = {true, std::move(properties), std::move(required)};
  return schema;
}

// "/a/{x}/b/{y}" -> {x, y}, or what is wrong with the template.
std::optional<std::string> parse_path_template(string_view path, std::vector<std::string>& params) {
  if (path.empty() || path[0] != '/')
    return "must start with \"/\", got " + quoted(path) + "; write " + quoted("/" + std::string(path));
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '}')
      return "unbalanced \"}\" at position " + std::to_string(i + 1) + " of " + quoted(path) +
             "; remove it or add the matching {";
    if (path[i] != '{') continue;
    auto close = path.find_first_of("{}", i + 1);
    if (close == string_view::npos || path[close] == '{')
      return "unbalanced \"{\" at position " + std::to_string(i + 1) + " of " + quoted(path) + "; close it with }";
    std::string name(path.substr(i + 1, close - i - 1));
    if (name.empty()) return "empty parameter {} in " + quoted(path) + "; put an argument name between the braces";
    if (std::find(params.begin(), params.end(), name) == params.end()) params.push_back(name);
    i = close;
  }
  return std::nullopt;
}

// An argument named in the binding must be a property of the input schema.
bool check_argument(Reader& r, const Field& f, const SchemaFacts& schema, const std::string& name, bool braces) {
  if (!schema.known || schema.has(name)) return true;
  std::string shown = braces ? "{" + name + "}" : quoted(name);
  std::string what = braces ? "unknown parameter " : "unknown argument ";
  if (auto guess = closest(name, schema.properties))
    r.error(f, what + shown + "; did you mean " + (braces ? "{" + *guess + "}" : quoted(*guess)) + "?");
  else
    r.error(f, what + shown + "; add " + quoted(name) + " to input_schema.properties");
  return false;
}

const std::vector<std::string> k_methods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};

void read_http(Reader& r, const Field& f, const SchemaFacts& schema, HttpBinding& out) {
  Section s(r, f, {"method", "path", "query", "body", "headers", "response"});
  if (auto m = s.get("method")) {
    if (auto v = r.string(*m)) {
      std::string method = upper(*v);
      if (std::find(k_methods.begin(), k_methods.end(), method) != k_methods.end())
        out.method = method;
      else
        r.error(*m, "unsupported method " + quoted(*v) + "; use one of " + join(k_methods, ", "));
    }
  }
  bool sends_body = out.method == "POST" || out.method == "PUT" || out.method == "PATCH";
  out.body = sends_body ? BodyMode::all : BodyMode::none;

  if (auto p = s.require("path", "add path: /resource/{id} (appended to upstream.base_url)")) {
    if (auto v = r.string(*p)) {
      out.path = *v;
      std::vector<std::string> params;
      if (auto why = parse_path_template(*v, params)) {
        r.error(*p, *why);
      } else {
        for (const auto& name : params) {
          if (!check_argument(r, *p, schema, name, true)) continue;
          if (schema.known && !schema.is_required(name))
            r.error(*p, "path parameter {" + name + "} must be required in input_schema; add " + quoted(name) +
                            " to input_schema.required");
        }
        out.path_params = std::move(params);
      }
    }
  }

  if (auto q = s.get("query")) {
    if (auto list = r.items(*q)) {
      std::vector<std::string> names;
      for (const auto& item : *list) {
        auto name = r.string(item);
        if (!name || !check_argument(r, item, schema, *name, false)) continue;
        if (std::find(out.path_params.begin(), out.path_params.end(), *name) != out.path_params.end())
          r.error(item, quoted(*name) + " is already sent as path parameter {" + *name + "}; remove it from query");
        else
          names.push_back(*name);
      }
      out.query = std::move(names);
    }
  }

  if (auto b = s.get("body")) {
    if (b->node.IsMap()) {
      Section body(r, *b, {"field"});
      if (auto field = body.require("field", "write body: {field: NAME} with NAME an argument, or body: all | none")) {
        if (auto name = r.string(*field); name && check_argument(r, *field, schema, *name, false)) {
          out.body = BodyMode::field;
          out.body_field = *name;
        }
      }
    } else if (auto v = r.string(*b)) {
      if (*v == "all")
        out.body = BodyMode::all;
      else if (*v == "none")
        out.body = BodyMode::none;
      else
        r.error(*b, "must be all, none or {field: NAME}, got " + quoted(*v));
    }
  }

  if (auto h = s.get("headers"))
    if (auto headers = read_headers(r, *h)) out.headers = std::move(*headers);

  if (auto resp = s.get("response")) {
    if (auto v = r.string(*resp)) {
      if (*v == "auto" || *v == "text" || *v == "resource")
        out.response = *v;
      else
        r.error(*resp,
                "must be auto, text or resource, got " + quoted(*v) + "; auto picks by the reply's Content-Type");
    }
  }
}

const std::vector<std::string> k_annotations = {"title", "readOnlyHint", "destructiveHint", "idempotentHint",
                                                "openWorldHint"};

void read_annotations(Reader& r, const Field& f, ToolConfig& out) {
  Section s(r, f, k_annotations);
  if (!s.present()) return;
  json::object annotations;
  bool ok = true;
  for (const auto& name : k_annotations) {
    auto field = s.get(name);
    if (!field) continue;
    if (name == "title") {
      if (auto v = r.string(*field))
        annotations.emplace(name, *v);
      else
        ok = false;
    } else if (auto v = r.boolean(*field)) {
      annotations.emplace(name, *v);
    } else {
      ok = false;
    }
  }
  if (ok) out.annotations = std::move(annotations);
}

void read_icons(Reader& r, const Field& f, ToolConfig& out) {
  auto list = r.items(f);
  if (!list) return;
  bool ok = true;
  for (const auto& item : *list) {
    if (!item.node.IsMap()) {
      r.error(item, "an icon must be a mapping, got " + kind_of(item.node) +
                        "; write { src: https://..., mimeType: image/png }");
      ok = false;
    } else if (absent(item.node["src"])) {
      r.error(item.line, child_key(item.key, "src"), "is required; give the icon's URL");
      ok = false;
    }
  }
  auto icons = r.to_json(f);
  if (ok && icons) out.icons = std::move(icons->as_array());
}

bool valid_tool_name(string_view name) {
  return name.size() >= 1 && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
         });
}

void read_tool(Reader& r, const Field& f, ToolConfig& out) {
  out.where = {r.file(), f.line, f.key};
  if (!f.node.IsMap()) {
    r.error(f, "expected a tool (a mapping with name, description, input_schema and http), got " + kind_of(f.node));
    return;
  }
  Section s(r, f,
            {"name", "title", "description", "input_schema", "output_schema", "annotations", "icons", "http",
             "client_capabilities", "poll_after_ms", "scopes"});
  if (auto n = s.require("name", "give the tool a name such as get_workflow")) {
    if (auto v = r.string(*n)) {
      if (valid_tool_name(*v))
        out.name = *v;
      else
        r.error(*n, "invalid tool name " + quoted(*v) + "; use 1 to 64 letters, digits, _ or -");
    }
  }
  s.read("title", out.title);
  if (auto d = s.require("description", "say what the tool does; the model reads it to decide when to call the tool")) {
    if (auto v = r.string(*d)) {
      if (v->empty()) r.error(*d, "may not be empty; say what the tool does");
      out.description = *v;
    }
  }
  SchemaFacts facts;
  if (auto in = s.require("input_schema", "write input_schema: { type: object, properties: {...} }")) {
    if (auto schema = read_object_schema(r, *in, SchemaRole::input, &facts)) out.input_schema = std::move(*schema);
  }
  if (auto o = s.get("output_schema")) {
    if (auto schema = read_object_schema(r, *o, SchemaRole::output, nullptr))
      out.output_schema = json::value(std::move(*schema));
  }
  if (auto a = s.get("annotations")) read_annotations(r, *a, out);
  if (auto i = s.get("icons")) read_icons(r, *i, out);
  if (auto h =
          s.require("http", "add http: { method: GET, path: /resource } to say which upstream call the tool makes"))
    read_http(r, *h, facts, out.http);
  if (auto c = s.get("client_capabilities")) {
    auto value = r.to_json(*c);
    if (value && value->is_object()) {
      out.client_capabilities = value->as_object();
    } else if (value) {
      r.error(*c, "must be a mapping of capability names, e.g. { sampling: {} }");
    }
  }
  if (s.get("poll_after_ms")) {
    std::chrono::milliseconds poll{0};
    s.read("poll_after_ms", poll, 0);
    out.poll_after = poll;
  }
  if (auto f = s.get("scopes"))
    if (auto list = r.strings(*f)) out.scopes = std::move(*list);
}

}  // namespace

void read_tools(Reader& r, const Field& f, std::vector<ToolConfig>& out) {
  auto list = r.items(f);
  if (!list) return;
  std::map<std::string, int> first_line;
  for (const auto& item : *list) {
    ToolConfig tool;
    read_tool(r, item, tool);
    if (!tool.name.empty()) {
      auto [pos, fresh] = first_line.emplace(tool.name, item.line);
      if (!fresh)
        r.error(item.line, child_key(item.key, "name"),
                "duplicate tool name " + quoted(tool.name) + " (first defined at line " + std::to_string(pos->second) +
                    "); rename one of them");
    }
    out.push_back(std::move(tool));
  }
}

}  // namespace mcpedge::config::detail
