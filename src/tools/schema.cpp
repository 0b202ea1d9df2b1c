// CompiledSchema: valijson over boost::json, with readable violation messages.
#include "tools/schema.hpp"

#include <boost/json/serialize.hpp>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <array>
#include <set>

namespace mcpedge::tools {

namespace json = boost::json;

namespace {

// Keywords of draft 2019-09/2020-12 that valijson's draft-7 parser does not evaluate.
constexpr std::array<std::string_view, 10> k_unevaluated{
    "prefixItems", "unevaluatedProperties", "unevaluatedItems", "dependentRequired", "dependentSchemas",
    "$dynamicRef", "$dynamicAnchor",        "minContains",      "maxContains",       "$recursiveRef"};

void collect_skipped(const json::value& v, std::set<std::string>& out) {
  if (const auto* obj = v.if_object()) {
    for (const auto& [key, child] : *obj) {
      if (std::find(k_unevaluated.begin(), k_unevaluated.end(), std::string_view(key)) != k_unevaluated.end()) {
        out.emplace(key);
      }
      collect_skipped(child, out);
    }
  } else if (const auto* arr = v.if_array()) {
    for (const auto& child : *arr) collect_skipped(child, out);
  }
}

// The subschema that `path` (property names and item indexes) leads to, following local $refs.
const json::object* subschema_at(const json::value& root, const std::vector<std::string>& path) {
  const json::object* at = root.if_object();
  auto follow_ref = [&](const json::object* s) -> const json::object* {
    for (int hops = 0; s && hops < 8; ++hops) {
      const auto* ref = s->if_contains("$ref");
      if (!ref || !ref->is_string() || !ref->as_string().starts_with("#/")) return s;
      boost::system::error_code ec;
      const json::value* target = root.find_pointer(std::string_view(ref->as_string()).substr(1), ec);
      s = target ? target->if_object() : nullptr;
    }
    return s;
  };
  at = follow_ref(at);
  for (const auto& segment : path) {
    if (!at) return nullptr;
    const json::object* next = nullptr;
    if (const auto* props = at->if_contains("properties"); props && props->is_object()) {
      if (const auto* p = props->as_object().if_contains(segment)) next = p->if_object();
    }
    if (!next) {
      if (const auto* items = at->if_contains("items"); items && items->is_object()) next = &items->as_object();
    }
    at = follow_ref(next);
  }
  return at;
}

std::string type_of(const json::object* schema) {
  if (!schema) return {};
  const auto* type = schema->if_contains("type");
  if (!type) return {};
  if (type->is_string()) return std::string(type->as_string());
  std::string out;
  if (const auto* types = type->if_array()) {
    for (const auto& t : *types) {
      if (!t.is_string()) continue;
      if (!out.empty()) out += " or ";
      out += t.as_string();
    }
  }
  return out;
}

std::string json_type_name(const json::value* v) {
  if (!v) return "nothing";
  switch (v->kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
      return "integer";
    case json::kind::double_:
      return "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "value";
}

// One violation as a sentence that names the argument and what it should be, e.g.
// `"workflow_id" is required (string)` or `at /limit: must be integer (got string)`.
std::string describe(const valijson::ValidationResults::Error& error, const json::value& schema,
                     const json::value& instance) {
  std::vector<std::string> path;
  for (const auto& part : error.context) {
    if (part == "<root>") continue;
    // valijson writes "[name]" for properties and "[0]" for items.
    std::string_view p = part;
    if (p.size() >= 2 && p.front() == '[' && p.back() == ']') p = p.substr(1, p.size() - 2);
    if (!p.empty() && p.front() == '"' && p.back() == '"') p = p.substr(1, p.size() - 2);
    path.emplace_back(p);
  }
  std::string message = error.description;
  while (!message.empty() && (message.back() == '.' || message.back() == ' ')) message.pop_back();
  std::string where;
  for (const auto& segment : path) where += "/" + segment;
  const json::object* at = subschema_at(schema, path);
  std::string at_where = where.empty() ? std::string("arguments") : "at " + where + ":";

  constexpr std::string_view k_missing = "Missing required property '";
  if (message.starts_with(k_missing)) {
    std::string property = message.substr(k_missing.size(), message.size() - k_missing.size() - 1);
    const json::object* prop = nullptr;
    if (at) {
      if (const auto* props = at->if_contains("properties"); props && props->is_object()) {
        if (const auto* p = props->as_object().if_contains(property)) prop = p->if_object();
      }
    }
    std::string type = type_of(prop);
    std::string text = "\"" + property + "\" is required" + (type.empty() ? "" : " (" + type + ")");
    return where.empty() ? text : "at " + where + ": " + text;
  }
  boost::system::error_code ec;
  const json::value* value = where.empty() ? &instance : instance.find_pointer(where, ec);
  if (message.find("'type' constraint") != std::string::npos) {
    std::string type = type_of(at);
    if (!type.empty()) return at_where + " must be " + type + " (got " + json_type_name(value) + ")";
  }
  if (message.find("'pattern' constraint") != std::string::npos && at) {
    if (const auto* pattern = at->if_contains("pattern"); pattern && pattern->is_string()) {
      return at_where + " must match the pattern " + std::string(pattern->as_string());
    }
  }
  if (message.find("enum") != std::string::npos && at) {
    if (const auto* values = at->if_contains("enum")) return at_where + " must be one of " + json::serialize(*values);
  }
  return where.empty() ? message : "at " + where + ": " + message;
}

}  // namespace

CompiledSchema::CompiledSchema(CompiledSchema&&) noexcept = default;
CompiledSchema& CompiledSchema::operator=(CompiledSchema&&) noexcept = default;
CompiledSchema::~CompiledSchema() = default;

Expected<CompiledSchema, std::string> CompiledSchema::compile(const json::value& schema) {
  CompiledSchema compiled;
  compiled.schema_ = std::make_unique<valijson::Schema>();
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::BoostJsonAdapter adapter(schema);
    parser.populateSchema(adapter, *compiled.schema_);
  } catch (const std::exception& e) {
    return Unexpected{std::string(e.what())};
  }
  compiled.source_ = schema;
  std::set<std::string> skipped;
  collect_skipped(schema, skipped);
  compiled.skipped_.assign(skipped.begin(), skipped.end());
  return compiled;
}

std::vector<std::string> CompiledSchema::validate(const json::value& instance) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::BoostJsonAdapter adapter(instance);
  std::vector<std::string> problems;
  if (validator.validate(*schema_, adapter, &results)) return problems;
  // valijson reports each enclosing schema too ("Failed to validate against schema associated with
  // property name 'limit'", "Failed to validate item #1 in array"); the leaves say what is wrong.
  std::vector<std::string> wrappers;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    bool wrapper = error.description.starts_with("Failed to validate against schema associated with") ||
                   error.description.starts_with("Failed to validate item #") ||
                   error.description.starts_with("Failed to validate against child schema");
    (wrapper ? wrappers : problems).push_back(describe(error, source_, instance));
  }
  if (problems.empty()) problems = std::move(wrappers);
  if (problems.empty()) problems.emplace_back("arguments do not match the input schema");
  return problems;
}

}  // namespace mcpedge::tools
