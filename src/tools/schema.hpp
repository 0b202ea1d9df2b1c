// JSON Schema for tool arguments: compiled once with valijson (draft 7), validated per call.
#pragma once

#include "base/expected.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <vector>

namespace valijson {
class Schema;
}

namespace mcpedge::tools {

class CompiledSchema {
 public:
  // Fails (with valijson's reason) on a schema it cannot compile, e.g. a network $ref: those are
  // never fetched (2026-07-28 basic/index.mdx#ref-resolution).
  static Expected<CompiledSchema, std::string> compile(const boost::json::value& schema);

  CompiledSchema(CompiledSchema&&) noexcept;
  CompiledSchema& operator=(CompiledSchema&&) noexcept;
  ~CompiledSchema();

  // Empty when `instance` conforms; otherwise one line per violation, e.g.
  // `"workflow_id" is required` or `at /limit: value is greater than the maximum 100`.
  std::vector<std::string> validate(const boost::json::value& instance) const;

  // 2020-12 keywords present in the schema that valijson does not evaluate; they stay in
  // tools/list untouched and are skipped by validation.
  const std::vector<std::string>& skipped_keywords() const { return skipped_; }

 private:
  CompiledSchema() = default;
  std::unique_ptr<valijson::Schema> schema_;
  std::vector<std::string> skipped_;
  boost::json::value source_;  // for messages that say what was expected
};

}  // namespace mcpedge::tools
