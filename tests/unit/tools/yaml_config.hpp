// Builds configurations and tool catalogs from YAML text, the way the gateway reads them.
#pragma once

#include "config/config.hpp"
#include "tools/catalog.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace mcpedge::tools::testing {

inline std::string joined(const std::vector<config::ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

inline config::Config config_from(const std::string& yaml) {
  auto loaded = config::load_text(yaml, "test.yaml");
  if (!loaded) {
    ADD_FAILURE() << "the test's YAML does not load:\n" << joined(loaded.error());
    return {};
  }
  return std::move(loaded).value();
}

inline std::shared_ptr<const Catalog> catalog_from(const config::Config& config) {
  auto built = Catalog::build(config);
  if (!built) {
    ADD_FAILURE() << "the catalog does not build:\n" << joined(built.error());
    return nullptr;
  }
  return *built;
}

inline std::shared_ptr<const Catalog> catalog_from(const std::string& yaml) { return catalog_from(config_from(yaml)); }

// The errors of a configuration that loads but whose catalog must not build ("" when it builds).
inline std::string catalog_errors(const std::string& yaml) {
  auto built = Catalog::build(config_from(yaml));
  return built ? std::string() : joined(built.error());
}

// A config with `tools_yaml` (a YAML list, indented by two spaces) under a fixed upstream.
inline std::string with_upstream(const std::string& tools_yaml, const std::string& upstream_extra = "") {
  return "upstream:\n  base_url: https://api.example.com/v1\n" + upstream_extra + "tools:\n" + tools_yaml;
}

}  // namespace mcpedge::tools::testing
