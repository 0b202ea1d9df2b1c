// Catalog::build: compiles schemas, checks x-mcp-header annotations and renders each tool per revision.
#include "tools/catalog.hpp"
#include "base/ascii.hpp"

#include "crypto/encoding.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace mcpedge::tools {

namespace json = boost::json;

namespace {

bool is_token_char(unsigned char c) {  // RFC 9110 tchar
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Annotations derived from the HTTP method unless the config gives them (shared/mcp-spec.md §4).
json::object derive_annotations(const config::ToolConfig& tool) {
  const std::string& m = tool.http.method;
  bool read_only = m == "GET" || m == "HEAD";
  json::object a;
  a["readOnlyHint"] = read_only;
  if (!read_only) a["destructiveHint"] = m == "DELETE" || m == "PUT";
  a["idempotentHint"] = read_only || m == "PUT" || m == "DELETE";
  if (tool.annotations) {
    for (const auto& [key, value] : *tool.annotations) a[key] = value;
  }
  return a;
}

// ≤2025-11-25 require an object at the root of outputSchema; wrap anything else as {result: …},
// the same shape the result mapping uses for structuredContent.
json::object output_schema_for(const json::value& schema, Revision r) {
  const auto* obj = schema.if_object();
  bool is_object_schema = obj && obj->contains("type") && (*obj).at("type") == "object";
  if (is_object_schema || structured_content_any_json(r)) return obj ? *obj : json::object{};
  json::object wrapped;
  wrapped["type"] = "object";
  wrapped["properties"] = json::object{{"result", schema}};
  wrapped["required"] = json::array{"result"};
  return wrapped;
}

json::object render(const config::ToolConfig& tool, const json::object& input_schema, Revision r) {
  json::object out;
  out["name"] = tool.name;
  if (has_structured_content(r) && !tool.title.empty()) out["title"] = tool.title;
  out["description"] = tool.description;
  out["inputSchema"] = input_schema;
  if (has_structured_content(r) && tool.output_schema) out["outputSchema"] = output_schema_for(*tool.output_schema, r);
  if (has_annotations(r)) out["annotations"] = derive_annotations(tool);
  if (has_icons(r) && tool.icons) out["icons"] = *tool.icons;
  return out;
}

void find_nested_headers(const json::value& v, bool top, std::vector<std::string>& where, std::string path) {
  const auto* obj = v.if_object();
  if (!obj) {
    if (const auto* arr = v.if_array()) {
      for (std::size_t i = 0; i < arr->size(); ++i)
        find_nested_headers((*arr)[i], false, where, path + "/" + std::to_string(i));
    }
    return;
  }
  for (const auto& [key, child] : *obj) {
    if (key == "x-mcp-header" && !top) where.push_back(path);
    bool child_top = top && key == "properties";
    // Direct children of the root "properties" are the top-level arguments: skip their own key.
    if (child_top) {
      if (const auto* props = child.if_object()) {
        for (const auto& [name, prop] : *props) {
          if (const auto* p = prop.if_object()) {
            for (const auto& [k2, v2] : *p) {
              if (k2 != "x-mcp-header")
                find_nested_headers(v2, false, where,
                                    path + "/properties/" + std::string(name) + "/" + std::string(k2));
            }
          }
        }
      }
      continue;
    }
    find_nested_headers(child, false, where, path + "/" + std::string(key));
  }
}

}  // namespace

const Tool* Catalog::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : it->second;
}

Expected<std::shared_ptr<const Catalog>, std::vector<config::ConfigError>> Catalog::build(
    const config::Config& config) {
  auto catalog = std::make_shared<Catalog>();
  catalog->upstream_ = config.upstream;
  std::vector<config::ConfigError> errors;
  std::string all_rendered;
  for (const auto& tool_config : config.tools) {
    auto fail = [&](std::string key, std::string message) {
      config::Location where = tool_config.where;
      where.key += key;
      errors.push_back(config::ConfigError{where, std::move(message)});
    };
    json::object input_schema =
        tool_config.input_schema.is_object() ? tool_config.input_schema.as_object() : json::object{};
    if (config.upstream.credential.allow_argument) {
      auto& props = input_schema["properties"];
      if (!props.is_object()) props = json::object{};
      props.as_object()[k_api_key_argument] = json::object{
          {"type", "string"},
          {"description", "API key to call the API with instead of the connection's credential (optional)"}};
    }
    auto compiled = CompiledSchema::compile(input_schema);
    if (!compiled) {
      fail(".input_schema", "cannot compile the schema: " + compiled.error());
      continue;
    }
    auto tool = std::make_unique<Tool>(Tool{tool_config, std::move(*compiled), std::nullopt, {}, {}});
    if (tool_config.output_schema) {
      auto output = CompiledSchema::compile(*tool_config.output_schema);
      if (!output) {
        fail(".output_schema", "cannot compile the schema: " + output.error());
        continue;
      }
      tool->output = std::move(*output);
    }
    for (const auto& keyword : tool->input.skipped_keywords()) {
      spdlog::info("tool {}: input_schema keyword {} is listed as written but not checked by validation",
                   tool_config.name, keyword);
    }

    // x-mcp-header (2026-07-28 transports/streamable-http.mdx#custom-headers-from-tool-parameters).
    std::set<std::string> seen_headers;
    if (const auto* props = input_schema.if_contains("properties"); props && props->is_object()) {
      for (const auto& [name, prop] : props->as_object()) {
        const auto* p = prop.if_object();
        if (!p) continue;
        const auto* header = p->if_contains("x-mcp-header");
        if (!header) continue;
        std::string key = ".input_schema.properties." + std::string(name) + ".x-mcp-header";
        if (!header->is_string() || header->as_string().empty()) {
          fail(key, "must be a non-empty string (an HTTP header token)");
          continue;
        }
        std::string_view value = header->as_string();
        if (!std::all_of(value.begin(), value.end(),
                         [](char c) { return is_token_char(static_cast<unsigned char>(c)); })) {
          fail(key, "\"" + std::string(value) + "\" is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)");
          continue;
        }
        if (!seen_headers.insert(ascii_lower(value)).second) {
          fail(key, "header \"" + std::string(value) + "\" is used by another property (names are case-insensitive)");
          continue;
        }
        const auto* type = p->if_contains("type");
        std::string_view t = type && type->is_string() ? std::string_view(type->as_string()) : std::string_view{};
        HeaderParam param{std::string(name), std::string(value), HeaderParam::Type::string};
        if (t == "integer") {
          param.type = HeaderParam::Type::integer;
        } else if (t == "boolean") {
          param.type = HeaderParam::Type::boolean;
        } else if (t != "string") {
          fail(key, "only string, integer and boolean properties can be sent as headers");
          continue;
        }
        tool->header_params.push_back(std::move(param));
      }
    }
    std::vector<std::string> nested;
    find_nested_headers(input_schema, true, nested, "");
    for (const auto& where : nested) {
      fail(".input_schema", "x-mcp-header at " + where + ": only top-level properties can be sent as headers");
    }

    for (Revision r : k_revisions) tool->rendered[index_of(r)] = render(tool_config, input_schema, r);
    all_rendered += json::serialize(tool->rendered[index_of(k_latest)]);
    catalog->by_name_.emplace(tool->config.name, tool.get());
    catalog->tools_.push_back(std::move(tool));
  }
  if (!errors.empty()) return Unexpected{std::move(errors)};
  catalog->fingerprint_ = crypto::hex_encode(crypto::sha256(all_rendered)).substr(0, 12);
  return std::shared_ptr<const Catalog>(std::move(catalog));
}

}  // namespace mcpedge::tools
