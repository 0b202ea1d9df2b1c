// Tests of ConfigError's "file:line: key: message" rendering.
#include "config/config.hpp"

#include <gtest/gtest.h>

namespace mcpedge::config {
namespace {

TEST(ConfigError, NamesFileLineKeyAndMessage) {
  ConfigError e{{"gateway.yaml", 14, "tools[3].http.path"},
                "unknown parameter {workflowId}; did you mean {workflow_id}?"};
  EXPECT_EQ(e.to_string(),
            "gateway.yaml:14: tools[3].http.path: unknown parameter {workflowId}; did you mean {workflow_id}?");
}

TEST(ConfigError, LeavesOutAnUnknownLine) {
  ConfigError e{{"/etc/mcpedge.yaml", 0, ""}, "cannot read file: No such file or directory"};
  EXPECT_EQ(e.to_string(), "/etc/mcpedge.yaml: cannot read file: No such file or directory");
}

TEST(ConfigError, LeavesOutAnEmptyKey) {
  ConfigError e{{"g.yaml", 3, ""}, "invalid YAML: illegal map value"};
  EXPECT_EQ(e.to_string(), "g.yaml:3: invalid YAML: illegal map value");
}

}  // namespace
}  // namespace mcpedge::config
