// Reading YAML into typed values: a Field per value, a Reader that collects every error, Sections of known keys.
#pragma once

#include "config/config.hpp"

#include <yaml-cpp/yaml.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace mcpedge::config::detail {

namespace json = boost::json;
using std::string_view;

// Reading: a Field is one value in the document with the key path and line used in errors.

struct Field {
  YAML::Node node;
  std::string key;
  int line = 0;
};

int line_of(const YAML::Node& n, int fallback);
std::string kind_of(const YAML::Node& n);
bool absent(const YAML::Node& n);

// Collects errors and turns YAML nodes into typed values; each reader reports its own errors
// and returns nothing on failure, so one bad field never hides another.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  void error(int line, std::string key, std::string message) {
    errors_.push_back({{file_, line, std::move(key)}, std::move(message)});
  }
  void error(const Field& f, std::string message) { error(f.line, f.key, std::move(message)); }

  std::vector<ConfigError> take_errors() {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const ConfigError& a, const ConfigError& b) { return a.where.line < b.where.line; });
    return std::move(errors_);
  }
  bool failed() const { return !errors_.empty(); }

  // Replaces ${NAME} by the environment variable NAME and $${ by a literal ${.
  std::optional<std::string> expand(const Field& f, string_view raw);

  std::optional<std::string> string(const Field& f);
  std::optional<std::int64_t> integer(const Field& f, std::int64_t min, std::int64_t max, std::int64_t example);
  std::optional<bool> boolean(const Field& f);

  // The items of a list, each with its own key path ("tools[3]") and line.
  std::optional<std::vector<Field>> items(const Field& f);

  // A list of non-empty strings ("[a, b]"); a single string counts as a list of one.
  std::optional<std::vector<std::string>> strings(const Field& f);

  // The entries of a mapping in document order; duplicate and non-scalar keys are errors.
  std::optional<std::vector<std::pair<std::string, Field>>> entries(const Field& f);

  // YAML to JSON by the core schema; quoted scalars stay strings, keys keep document order.
  std::optional<json::value> to_json(const Field& f);

 private:
  std::optional<json::value> scalar_to_json(const Field& f);

  std::string file_;
  std::vector<ConfigError> errors_;
};

// A mapping with a fixed set of known keys. Unknown keys are reported once, on construction,
// with a "did you mean" hint. A Section over an absent value is empty: every get() is nothing.
class Section {
 public:
  Section(Reader& r, Field at, std::vector<std::string> known);

  bool present() const { return present_; }
  const Field& at() const { return at_; }

  // The value of `name`, or nothing when the key is absent or has no value.
  std::optional<Field> get(string_view name) const;
  std::optional<Field> require(string_view name, string_view what_to_do) const;
  Section section(string_view name, std::vector<std::string> known) const;

  void read(string_view name, std::string& out) const;
  void read(string_view name, bool& out) const;
  template <class Int>
  requires std::is_integral_v<Int>
  void read(string_view name, Int& out, std::int64_t min,
            std::int64_t max = std::numeric_limits<std::int64_t>::max()) const {
    if (auto f = get(name))
      if (auto v = r_.integer(*f, min, max, static_cast<std::int64_t>(out))) out = static_cast<Int>(*v);
  }
  template <class Rep, class Period>
  void read(string_view name, std::chrono::duration<Rep, Period>& out, std::int64_t min) const {
    Rep count = out.count();
    read(name, count, min);
    out = std::chrono::duration<Rep, Period>(count);
  }

 private:
  Reader& r_;
  Field at_;
  bool present_ = false;
  std::vector<std::pair<std::string, Field>> entries_;
};

}  // namespace mcpedge::config::detail
