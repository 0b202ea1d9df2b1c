// CompiledSchema: valijson over boost::json, with readable violation messages.
#include "tools/schema.hpp"

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
    "$dynamicRef", "$dynamicAnchor", "minContains", "maxContains", "$recursiveRef"};

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

std::string describe(const valijson::ValidationResults::Error& error) {
  std::string where;
  for (const auto& part : error.context) {
    if (part == "<root>") continue;
    // valijson writes "[name]" for properties and "[0]" for items; show a JSON pointer.
    std::string_view p = part;
    if (p.size() >= 2 && p.front() == '[' && p.back() == ']') p = p.substr(1, p.size() - 2);
    if (!p.empty() && p.front() == '"' && p.back() == '"') p = p.substr(1, p.size() - 2);
    where += '/';
    where += p;
  }
  std::string message = error.description;
  if (where.empty()) return message;
  return "at " + where + ": " + message;
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
    (wrapper ? wrappers : problems).push_back(describe(error));
  }
  if (problems.empty()) problems = std::move(wrappers);
  if (problems.empty()) problems.emplace_back("arguments do not match the input schema");
  return problems;
}

}  // namespace mcpedge::tools
