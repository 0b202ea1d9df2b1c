// Shared by the config tests: loading text that must be valid, rendering errors, and the table of
// invalid configurations with the exact error each must produce.
#pragma once

#include "config/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

namespace mcpedge::config::testing {

// A valid base that error cases extend; a broken line is added at a known line number.
inline constexpr const char* k_upstream = "upstream: { base_url: http://u }\n";

inline std::string all_errors(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

// The config; a load error fails the test and gives a default one.
inline Config load_ok(const std::string& text) {
  auto result = load_text(text, "test.yaml");
  if (!result) {
    ADD_FAILURE() << all_errors(result.error());
    return {};
  }
  return std::move(result).value();
}

struct ErrorCase {
  const char* name;
  std::string yaml;
  std::string expected;  // one of the errors, exactly as to_string() renders it
};

inline void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

// The body of every error table: loading fails and one error reads exactly as expected.
inline void expect_reported(const ErrorCase& c) {
  auto result = load_text(c.yaml, "test.yaml");
  ASSERT_FALSE(result) << "loaded without error:\n" << c.yaml;
  const auto& errors = result.error();
  bool found =
      std::any_of(errors.begin(), errors.end(), [&](const ConfigError& e) { return e.to_string() == c.expected; });
  EXPECT_TRUE(found) << "expected:\n" << c.expected << "\ngot:\n" << all_errors(errors);
}

}  // namespace mcpedge::config::testing
