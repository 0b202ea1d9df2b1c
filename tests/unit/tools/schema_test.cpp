// Tests of compiled JSON Schemas: validation messages, 2020-12 documents, refused network $refs.
#include "tools/schema.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace mcpedge::tools {
namespace {

namespace json = boost::json;

CompiledSchema compiled(std::string_view schema) {
  auto result = CompiledSchema::compile(json::parse(schema));
  if (!result) throw std::runtime_error("schema does not compile: " + result.error());
  return std::move(result).value();
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

constexpr const char* k_workflows = R"({
  "type": "object",
  "properties": {
    "workflow_id": {"type": "string"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100}
  },
  "required": ["workflow_id"]
})";

TEST(CompiledSchema, ConformingInstanceHasNoProblems) {
  auto schema = compiled(k_workflows);
  EXPECT_TRUE(schema.validate(json::parse(R"({"workflow_id":"wf_1","limit":5})")).empty());
}

TEST(CompiledSchema, MissingRequiredPropertyIsNamed) {
  auto problems = compiled(k_workflows).validate(json::parse(R"({"limit":5})"));
  ASSERT_EQ(problems.size(), 1u) << joined(problems);
  EXPECT_NE(problems[0].find("required"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("workflow_id"), std::string::npos) << problems[0];
}

TEST(CompiledSchema, WrongTypeIsReportedAtThePropertyPointer) {
  auto problems = compiled(k_workflows).validate(json::parse(R"({"workflow_id":"wf","limit":"five"})"));
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems.front(), "at /limit: must be integer (got string)") << joined(problems);
}

TEST(CompiledSchema, OutOfRangeValueIsReportedAtThePropertyPointer) {
  auto problems = compiled(k_workflows).validate(json::parse(R"({"workflow_id":"wf","limit":1000})"));
  ASSERT_FALSE(problems.empty());
  EXPECT_TRUE(problems.front().starts_with("at /limit:")) << joined(problems);
  EXPECT_NE(problems.front().find("100"), std::string::npos) << joined(problems);
}

// The one line per violation promised by validate(): the enclosing "Failed to validate against
// schema associated with property name ..." / "Failed to validate item #1" lines valijson adds are
// noise in the tool error the model reads.
TEST(CompiledSchema, ReportsOnlyTheLeafViolationOfANestedValue) {
  auto property = compiled(k_workflows).validate(json::parse(R"({"workflow_id":"wf","limit":1000})"));
  EXPECT_EQ(property.size(), 1u) << joined(property);
  auto item = compiled(R"({"type":"object","properties":{"steps":{"type":"array","items":{"type":"string"}}}})")
                  .validate(json::parse(R"({"steps":["a",2]})"));
  EXPECT_EQ(item.size(), 1u) << joined(item);
}

TEST(CompiledSchema, NestedItemProblemCarriesTheFullPointer) {
  auto schema = compiled(R"({"type":"object","properties":{"steps":{"type":"array","items":{"type":"string"}}}})");
  auto problems = schema.validate(json::parse(R"({"steps":["a",2]})"));
  ASSERT_FALSE(problems.empty());
  EXPECT_TRUE(problems.front().starts_with("at /steps/1:")) << joined(problems);
}

constexpr const char* k_2020_12 = R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {"step": {"$ref": "#/$defs/step"}},
  "required": ["step"],
  "$defs": {
    "step": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
  }
})";

TEST(CompiledSchema, Draft2020_12SchemaWithDefsAndRefCompilesAndValidates) {
  auto result = CompiledSchema::compile(json::parse(k_2020_12));
  ASSERT_TRUE(result) << result.error();
  EXPECT_TRUE(result->validate(json::parse(R"({"step":{"id":"s1"}})")).empty());
  auto wrong_type = result->validate(json::parse(R"({"step":{"id":5}})"));
  ASSERT_FALSE(wrong_type.empty());
  EXPECT_TRUE(wrong_type.front().starts_with("at /step/id:")) << joined(wrong_type);
  auto missing = result->validate(json::parse(R"({"step":{}})"));
  ASSERT_FALSE(missing.empty());
  EXPECT_TRUE(missing.front().starts_with("at /step:")) << joined(missing);
  EXPECT_EQ(missing.front(), "at /step: \"id\" is required (string)") << joined(missing);
  EXPECT_EQ(wrong_type.front(), "at /step/id: must be string (got integer)") << joined(wrong_type);
}

TEST(CompiledSchema, ListsThe2020_12KeywordsItDoesNotEvaluate) {
  auto schema = compiled(R"({
    "type": "object",
    "unevaluatedProperties": false,
    "properties": {"pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}}
  })");
  EXPECT_EQ(schema.skipped_keywords(), (std::vector<std::string>{"prefixItems", "unevaluatedProperties"}));
  // Skipped keywords are not enforced: an extra property passes.
  EXPECT_TRUE(schema.validate(json::parse(R"({"pair":["a",1],"extra":true})")).empty());
}

TEST(CompiledSchema, Draft7SchemaSkipsNothing) { EXPECT_TRUE(compiled(k_workflows).skipped_keywords().empty()); }

TEST(CompiledSchema, NetworkRefIsNeverFetchedAndFailsToCompile) {
  auto result = CompiledSchema::compile(
      json::parse(R"({"type":"object","properties":{"x":{"$ref":"https://schemas.example.com/x.json"}}})"));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().find("remote"), std::string::npos) << result.error();
}

}  // namespace
}  // namespace mcpedge::tools
