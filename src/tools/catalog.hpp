// The tool catalog: immutable after build, shared by every worker, swapped whole on reload.
#pragma once

#include "base/expected.hpp"
#include "base/revision.hpp"
#include "config/config.hpp"
#include "tools/schema.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mcpedge::tools {

// An `x-mcp-header` property [2026-07-28]: its value must also arrive as `Mcp-Param-{header}`.
struct HeaderParam {
  enum class Type { string, integer, boolean };
  std::string property;
  std::string header;  // the part after "Mcp-Param-"
  Type type = Type::string;
};

struct Tool {
  config::ToolConfig config;
  CompiledSchema input;
  std::optional<CompiledSchema> output;
  std::vector<HeaderParam> header_params;
  // The Tool object as each revision defines it (index_of(Revision)).
  std::array<boost::json::object, k_revisions.size()> rendered;
};

class Catalog {
 public:
  static Expected<std::shared_ptr<const Catalog>, std::vector<config::ConfigError>> build(const config::Config& config);

  const Tool* find(std::string_view name) const;
  const std::vector<std::unique_ptr<Tool>>& tools() const { return tools_; }
  const config::UpstreamConfig& upstream() const { return upstream_; }
  // Changes whenever the rendered catalog changes (list cursors carry it).
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  std::vector<std::unique_ptr<Tool>> tools_;
  std::unordered_map<std::string, const Tool*> by_name_;
  config::UpstreamConfig upstream_;
  std::string fingerprint_;
};

// The property name of the explicit credential argument (when the config allows it).
inline constexpr std::string_view k_api_key_argument = "_api_key";

}  // namespace mcpedge::tools
