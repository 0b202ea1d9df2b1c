// Tests of the tool catalog: derived annotations, per-revision rendering, x-mcp-header checks.
#include "tools/catalog.hpp"

#include "yaml_config.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace mcpedge::tools {
namespace {

namespace json = boost::json;
using testing::catalog_errors;
using testing::catalog_from;
using testing::with_upstream;

std::string tool_with_method(const std::string& method, const std::string& extra = "") {
  return "  - name: t\n    description: d\n    input_schema: { properties: {} }\n" + extra +
         "    http: { method: " + method + ", path: /t }\n";
}

json::object annotations_for(const std::string& method, const std::string& extra = "") {
  auto catalog = catalog_from(with_upstream(tool_with_method(method, extra)));
  if (!catalog) return {};
  return catalog->find("t")->rendered[index_of(Revision::v2025_11_25)].at("annotations").as_object();
}

TEST(CatalogAnnotations, GetIsReadOnlyAndIdempotent) {
  EXPECT_EQ(annotations_for("GET"), json::parse(R"({"readOnlyHint":true,"idempotentHint":true})"));
}

TEST(CatalogAnnotations, DeleteIsDestructiveAndIdempotent) {
  EXPECT_EQ(annotations_for("DELETE"),
            json::parse(R"({"readOnlyHint":false,"destructiveHint":true,"idempotentHint":true})"));
}

TEST(CatalogAnnotations, PutIsDestructiveAndIdempotent) {
  EXPECT_EQ(annotations_for("PUT"),
            json::parse(R"({"readOnlyHint":false,"destructiveHint":true,"idempotentHint":true})"));
}

TEST(CatalogAnnotations, PostIsNeitherDestructiveNorIdempotent) {
  EXPECT_EQ(annotations_for("POST"),
            json::parse(R"({"readOnlyHint":false,"destructiveHint":false,"idempotentHint":false})"));
}

TEST(CatalogAnnotations, ConfiguredAnnotationsOverrideDerivedOnes) {
  auto a = annotations_for("POST", "    annotations: { idempotentHint: true, openWorldHint: false, title: Start }\n");
  EXPECT_EQ(a, json::parse(R"({"readOnlyHint":false,"destructiveHint":false,"idempotentHint":true,
                              "openWorldHint":false,"title":"Start"})"));
}

constexpr const char* k_full_tool = R"(  - name: get_workflow
    title: Get a workflow
    description: Returns one workflow.
    input_schema:
      properties: { workflow_id: { type: string } }
      required: [workflow_id]
    output_schema: { properties: { id: { type: string } } }
    icons: [{ src: "https://mcp.example.com/i.png", mimeType: image/png }]
    http: { path: "/workflows/{workflow_id}" }
)";

class CatalogRendering : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = catalog_from(with_upstream(k_full_tool));
    ASSERT_TRUE(catalog_);
  }
  const json::object& rendered(Revision r) const { return catalog_->find("get_workflow")->rendered[index_of(r)]; }
  std::shared_ptr<const Catalog> catalog_;
};

TEST_F(CatalogRendering, EveryRevisionHasNameDescriptionAndInputSchema) {
  for (Revision r : k_revisions) {
    SCOPED_TRACE(to_string(r));
    EXPECT_EQ(rendered(r).at("name"), "get_workflow");
    EXPECT_EQ(rendered(r).at("description"), "Returns one workflow.");
    EXPECT_EQ(
        rendered(r).at("inputSchema"),
        json::parse(R"({"type":"object","properties":{"workflow_id":{"type":"string"}},"required":["workflow_id"]})"));
  }
}

TEST_F(CatalogRendering, TitleAndOutputSchemaStartWith2025_06_18) {
  EXPECT_FALSE(rendered(Revision::v2024_11_05).contains("title"));
  EXPECT_FALSE(rendered(Revision::v2025_03_26).contains("title"));
  EXPECT_FALSE(rendered(Revision::v2025_03_26).contains("outputSchema"));
  EXPECT_EQ(rendered(Revision::v2025_06_18).at("title"), "Get a workflow");
  EXPECT_EQ(rendered(Revision::v2025_06_18).at("outputSchema"),
            json::parse(R"({"type":"object","properties":{"id":{"type":"string"}}})"));
  EXPECT_TRUE(rendered(Revision::v2026_07_28).contains("outputSchema"));
}

TEST_F(CatalogRendering, AnnotationsAreAbsentOn2024_11_05Only) {
  EXPECT_FALSE(rendered(Revision::v2024_11_05).contains("annotations"));
  EXPECT_TRUE(rendered(Revision::v2025_03_26).contains("annotations"));
  EXPECT_TRUE(rendered(Revision::v2026_07_28).contains("annotations"));
}

TEST_F(CatalogRendering, IconsStartWith2025_11_25) {
  EXPECT_FALSE(rendered(Revision::v2025_06_18).contains("icons"));
  auto icons = json::parse(R"([{"src":"https://mcp.example.com/i.png","mimeType":"image/png"}])");
  EXPECT_EQ(rendered(Revision::v2025_11_25).at("icons"), icons);
  EXPECT_EQ(rendered(Revision::v2026_07_28).at("icons"), icons);
}

TEST(Catalog, ApiKeyPropertyIsAddedOnlyWhenArgumentsMayCarryTheCredential) {
  auto without = catalog_from(with_upstream(k_full_tool));
  auto with = catalog_from(with_upstream(k_full_tool, "  credential: { allow_argument: true }\n"));
  ASSERT_TRUE(without && with);
  const auto& plain = without->find("get_workflow")->rendered[index_of(k_latest)].at("inputSchema").at("properties");
  EXPECT_FALSE(plain.as_object().contains("_api_key"));
  const auto& props = with->find("get_workflow")->rendered[index_of(k_latest)].at("inputSchema").at("properties");
  ASSERT_TRUE(props.as_object().contains("_api_key"));
  EXPECT_EQ(props.at("_api_key").at("type"), "string");
  // The property is part of the compiled schema too: a string passes, a number does not.
  const Tool& tool = *with->find("get_workflow");
  EXPECT_TRUE(tool.input.validate(json::parse(R"({"workflow_id":"a","_api_key":"k"})")).empty());
  EXPECT_FALSE(tool.input.validate(json::parse(R"({"workflow_id":"a","_api_key":5})")).empty());
}

TEST(Catalog, FindsToolsByExactName) {
  auto catalog = catalog_from(with_upstream(k_full_tool));
  ASSERT_TRUE(catalog);
  EXPECT_NE(catalog->find("get_workflow"), nullptr);
  EXPECT_EQ(catalog->find("Get_Workflow"), nullptr);
  EXPECT_EQ(catalog->find("missing"), nullptr);
  EXPECT_EQ(catalog->upstream().base_url, "https://api.example.com/v1");
}

std::string header_tool(const std::string& properties) {
  return "  - name: h\n    description: d\n    input_schema:\n      properties:\n" + properties +
         "    http: { method: POST, path: /h }\n";
}

TEST(CatalogHeaderParams, StringIntegerAndBooleanPropertiesBecomeHeaderParams) {
  auto catalog =
      catalog_from(with_upstream(header_tool("        region: { type: string, x-mcp-header: Region }\n"
                                             "        shard: { type: integer, x-mcp-header: Shard-Id }\n"
                                             "        dry: { type: boolean, x-mcp-header: Dry-Run }\n")));
  ASSERT_TRUE(catalog);
  const auto& params = catalog->find("h")->header_params;
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0].property, "region");
  EXPECT_EQ(params[0].header, "Region");
  EXPECT_EQ(params[0].type, HeaderParam::Type::string);
  EXPECT_EQ(params[1].header, "Shard-Id");
  EXPECT_EQ(params[1].type, HeaderParam::Type::integer);
  EXPECT_EQ(params[2].type, HeaderParam::Type::boolean);
}

TEST(CatalogHeaderParams, NonTokenHeaderNameIsAnError) {
  std::string errors =
      catalog_errors(with_upstream(header_tool("        region: { type: string, x-mcp-header: \"Has Space\" }\n")));
  EXPECT_NE(errors.find("input_schema.properties.region.x-mcp-header"), std::string::npos) << errors;
  EXPECT_NE(errors.find("\"Has Space\" is not an HTTP token"), std::string::npos) << errors;
}

TEST(CatalogHeaderParams, HeaderNamesMustDifferCaseInsensitively) {
  std::string errors =
      catalog_errors(with_upstream(header_tool("        a: { type: string, x-mcp-header: Region }\n"
                                               "        b: { type: string, x-mcp-header: region }\n")));
  EXPECT_NE(errors.find("input_schema.properties.b.x-mcp-header"), std::string::npos) << errors;
  EXPECT_NE(errors.find("used by another property"), std::string::npos) << errors;
}

TEST(CatalogHeaderParams, NumberPropertyCannotBeAHeader) {
  std::string errors =
      catalog_errors(with_upstream(header_tool("        ratio: { type: number, x-mcp-header: Ratio }\n")));
  EXPECT_NE(errors.find("input_schema.properties.ratio.x-mcp-header"), std::string::npos) << errors;
  EXPECT_NE(errors.find("only string, integer and boolean"), std::string::npos) << errors;
}

TEST(CatalogHeaderParams, NestedPropertyCannotBeAHeader) {
  std::string errors =
      catalog_errors(with_upstream(header_tool("        filter:\n"
                                               "          type: object\n"
                                               "          properties:\n"
                                               "            inner: { type: string, x-mcp-header: Inner }\n")));
  EXPECT_NE(errors.find("x-mcp-header at /properties/filter/properties/inner: only top-level properties"),
            std::string::npos)
      << errors;
}

TEST(CatalogFingerprint, IsStableForTheSameToolsAndChangesWhenAToolChanges) {
  auto a = catalog_from(with_upstream(k_full_tool));
  auto b = catalog_from(with_upstream(k_full_tool));
  std::string changed_tool = k_full_tool;
  changed_tool.replace(changed_tool.find("Returns one workflow."), 21, "Returns a workflow.");
  auto c = catalog_from(with_upstream(changed_tool));
  ASSERT_TRUE(a && b && c);
  EXPECT_FALSE(a->fingerprint().empty());
  EXPECT_EQ(a->fingerprint(), b->fingerprint());
  EXPECT_NE(a->fingerprint(), c->fingerprint());
}

TEST(CatalogFingerprint, ChangesWhenAToolIsAdded) {
  auto one = catalog_from(with_upstream(k_full_tool));
  auto two = catalog_from(with_upstream(std::string(k_full_tool) + tool_with_method("GET")));
  ASSERT_TRUE(one && two);
  EXPECT_NE(one->fingerprint(), two->fingerprint());
  EXPECT_EQ(two->tools().size(), 2u);
}

}  // namespace
}  // namespace mcpedge::tools
