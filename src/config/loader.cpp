// Reads the YAML configuration into a Config, checking every field and collecting every error.
//
// The format (docs/configuration.md is the full reference, with an example):
//
//   server:                        # optional; every key has a default
//     listen: 127.0.0.1:8080       # host:port ([v6]:port for IPv6)
//     public_url: https://mcp.example.com   # http(s) origin, no path; default http://<listen>
//     threads: 0                   # 0 = one per core
//     name / title / version / instructions: strings
//     allowed_origins: [https://claude.ai]  # origins: scheme://host[:port], no path
//     allowed_hosts: []            # host[:port]; empty = any Host header
//     sessions: true
//     session_ttl_s: 86400
//     page_size: 50
//     cache: { ttl_ms: 300000, scope: public }   # scope: public | private
//     limits: { max_body_bytes, max_header_bytes, idle_timeout_ms, read_timeout_ms,
//               write_timeout_ms, drain_timeout_ms }
//     sse: { keepalive_ms: 15000, retry_ms: 2000 }
//   upstream:                      # required
//     base_url: https://api.example.com/v1  # required, http(s); trailing slashes stripped
//     timeout_ms / connect_timeout_ms / max_response_bytes: integers
//     headers: { User-Agent: acme-mcp }    # sent on every call
//     credential: { bearer_header, api_key_header, allow_argument, fallback }
//   tools:
//     - name: get_workflow          # required, [A-Za-z0-9_-]{1,64}, unique
//       title: ...                  # optional
//       description: ...            # required
//       input_schema: {...}         # required JSON Schema, type object ("type" added if absent)
//       output_schema: {...}        # optional, same rule
//       annotations: {...}          # optional MCP tool annotations
//       icons: [...]                # optional MCP icons, each with src
//       http:                       # required
//         method: GET               # GET POST PUT PATCH DELETE HEAD (any case)
//         path: /workflows/{workflow_id}   # {param} = a required input_schema property
//         query: [limit]            # optional explicit list of arguments sent as query
//         body: all                 # all | none | {field: NAME}; default all for POST/PUT/PATCH
//         headers: { X-Trace: on }
//         response: auto            # auto | text | resource
//
// Every scalar value may contain ${NAME}, replaced by the environment variable NAME ($${ is a
// literal ${); in a flow mapping quote it ("${VAR}"), which settings still read as a number
// or boolean. A key with no value counts as absent. Schemas become JSON by the YAML 1.2 core
// schema: plain 12 is an integer, "12" a string, true a boolean, ~ or null a null.
#include "config/config.hpp"

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <string_view>

namespace mcpedge::config {
namespace {

namespace json = boost::json;
using std::string_view;

// ---------------------------------------------------------------------------------------------
// Text helpers

std::string quoted(string_view s) { return "\"" + std::string(s) + "\""; }

std::string upper(string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string join(const std::vector<std::string>& parts, string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string child_key(const std::string& parent, string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string item_key(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_of(string_view s, bool (*pred)(char)) { return !s.empty() && std::all_of(s.begin(), s.end(), pred); }

// RFC 9110 §5.6.2: header names are tokens.
bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
std::size_t edit_distance(string_view a, string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The candidate within edit distance 2 of `word` (closest first), for "did you mean" hints.
std::optional<std::string> closest(string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 3;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(lower(word), lower(c));
    if (d < best_distance && d < std::max<std::size_t>(word.size(), 2)) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// YAML 1.2 core schema (§10.3.2): what a plain scalar means.

bool is_core_null(string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

std::optional<bool> core_bool(string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

// An integer of the core schema: [-+]?[0-9]+, 0o[0-7]+ or 0x[0-9a-fA-F]+. Values beyond int64
// become uint64, beyond that double, so nothing is silently truncated.
std::optional<json::value> core_int(string_view s) {
  int base = 10;
  bool negative = false;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    base = s[1] == 'o' ? 8 : 16;
    s.remove_prefix(2);
  } else if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    bool ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                         : (c >= '0' && c < static_cast<char>('0' + base));
    if (!ok) return std::nullopt;
  }
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
  if (ec == std::errc() && end == s.data() + s.size()) {
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!negative && magnitude <= max) return json::value(static_cast<std::int64_t>(magnitude));
    if (negative && magnitude <= max + 1) return json::value(static_cast<std::int64_t>(0 - magnitude));
    if (!negative) return json::value(magnitude);
  }
  double d = 0;
  std::from_chars(s.data(), s.data() + s.size(), d);  // decimal only reaches here
  return json::value(negative ? -d : d);
}

// A float of the core schema: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
std::optional<double> core_float(string_view s) {
  string_view body = s;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
  std::size_t i = 0;
  std::size_t int_digits = 0;
  while (i < body.size() && is_digit(body[i])) ++i, ++int_digits;
  std::size_t frac_digits = 0;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && is_digit(body[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '-' || body[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < body.size() && is_digit(body[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  double d = 0;
  std::from_chars(body.data(), body.data() + body.size(), d);
  return s[0] == '-' ? -d : d;
}

bool is_core_non_finite(string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s == ".inf" || s == ".Inf" || s == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN";
}

// yaml-cpp gives plain scalars the non-specific tag "?" and quoted or block scalars "!".
bool is_plain(const YAML::Node& n) { return n.Tag() == "?"; }

// Settings (not schemas) take "${VAR}" quoted as a number or boolean: in a flow mapping
// { a: ${VAR} } is not valid YAML, so quoting is the only way to write it there.
bool is_typed_setting(const YAML::Node& n) { return is_plain(n) || n.Scalar().find("${") != std::string::npos; }

constexpr string_view k_tag_prefix = "tag:yaml.org,2002:";

// ---------------------------------------------------------------------------------------------
// Reading: a Field is one value in the document with the key path and line used in errors.

struct Field {
  YAML::Node node;
  std::string key;
  int line = 0;
};

int line_of(const YAML::Node& n, int fallback) {
  int line = n.Mark().line;
  return line < 0 ? fallback : line + 1;
}

std::string kind_of(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return is_plain(n) ? "the value " + quoted(n.Scalar()) : "the string " + quoted(n.Scalar());
    default:
      return "nothing";
  }
}

bool absent(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }

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
  std::optional<std::string> expand(const Field& f, string_view raw) {
    std::string out;
    bool ok = true;
    for (std::size_t i = 0; i < raw.size();) {
      if (raw.substr(i, 3) == "$${") {
        out += "${";
        i += 3;
        continue;
      }
      if (raw.substr(i, 2) != "${") {
        out += raw[i++];
        continue;
      }
      std::size_t close = raw.find('}', i + 2);
      if (close == string_view::npos) {
        error(f, "unterminated ${ in " + quoted(raw) + "; close it with } or write $${ for a literal ${");
        return std::nullopt;
      }
      std::string name(raw.substr(i + 2, close - i - 2));
      bool valid = !name.empty() && !is_digit(name[0]) && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
      if (!valid) {
        error(f, "invalid environment variable name ${" + name +
                     "}; use letters, digits and _, or write $${ for a literal ${");
        ok = false;
      } else if (const char* value = std::getenv(name.c_str())) {
        out += value;
      } else {
        error(f, "environment variable " + name + " is not set; set it before starting, or write $${ for a literal ${");
        ok = false;
      }
      i = close + 1;
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<std::string> string(const Field& f) {
    if (!f.node.IsScalar()) {
      error(f, "expected a string, got " + kind_of(f.node) +
                   "; quote the value if it contains \": \" or starts with [ or {");
      return std::nullopt;
    }
    return expand(f, f.node.Scalar());
  }

  std::optional<std::int64_t> integer(const Field& f, std::int64_t min, std::int64_t max, std::int64_t example) {
    std::string hint = "; write a plain number such as " + std::to_string(example);
    if (!f.node.IsScalar()) {
      error(f, "expected an integer, got " + kind_of(f.node) + hint);
      return std::nullopt;
    }
    if (!is_typed_setting(f.node)) {
      error(f, "expected an integer, got the string " + quoted(f.node.Scalar()) + "; remove the quotes");
      return std::nullopt;
    }
    auto text = expand(f, f.node.Scalar());
    if (!text) return std::nullopt;
    auto value = core_int(*text);
    if (!value) {
      error(f, "expected an integer, got " + quoted(*text) + hint);
      return std::nullopt;
    }
    if (!value->is_int64()) {
      error(f, "is too large: " + *text + hint);
      return std::nullopt;
    }
    std::int64_t v = value->as_int64();
    if (v < min) {
      error(f, "must be at least " + std::to_string(min) + ", got " + std::to_string(v) + hint);
      return std::nullopt;
    }
    if (v > max) {
      error(f, "must be at most " + std::to_string(max) + ", got " + std::to_string(v) + hint);
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const Field& f) {
    if (f.node.IsScalar() && !is_typed_setting(f.node)) {
      error(f, "expected true or false, got the string " + quoted(f.node.Scalar()) + "; remove the quotes");
      return std::nullopt;
    }
    if (!f.node.IsScalar()) {
      error(f, "expected true or false, got " + kind_of(f.node));
      return std::nullopt;
    }
    auto text = expand(f, f.node.Scalar());
    if (!text) return std::nullopt;
    auto b = core_bool(*text);
    if (!b) error(f, "expected true or false, got " + quoted(*text));
    return b;
  }

  // The items of a list, each with its own key path ("tools[3]") and line.
  std::optional<std::vector<Field>> items(const Field& f) {
    if (!f.node.IsSequence()) {
      error(f, "expected a list, got " + kind_of(f.node) + "; write [a, b] or one \"- item\" per line");
      return std::nullopt;
    }
    std::vector<Field> out;
    for (std::size_t i = 0; i < f.node.size(); ++i) {
      YAML::Node n = f.node[i];
      // yaml-cpp marks an empty item at the next token, which may be lines away: use the list's.
      out.push_back({n, item_key(f.key, i), absent(n) ? f.line : line_of(n, f.line)});
    }
    return out;
  }

  // The entries of a mapping in document order; duplicate and non-scalar keys are errors.
  std::optional<std::vector<std::pair<std::string, Field>>> entries(const Field& f) {
    if (!f.node.IsMap()) {
      error(f, "expected a mapping, got " + kind_of(f.node) + "; write key: value pairs");
      return std::nullopt;
    }
    std::vector<std::pair<std::string, Field>> out;
    std::map<std::string, int> first_line;
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      int line = line_of(it->first, f.line);
      if (!it->first.IsScalar()) {
        error(line, f.key, "a key must be a plain name, got " + kind_of(it->first));
        continue;
      }
      std::string name = it->first.Scalar();
      std::string key = child_key(f.key, name);
      auto [pos, fresh] = first_line.emplace(name, line);
      if (!fresh) {
        error(line, key, "duplicate key (first set at line " + std::to_string(pos->second) + "); remove one of them");
        continue;
      }
      out.emplace_back(name, Field{it->second, std::move(key), line});
    }
    return out;
  }

  // YAML to JSON by the core schema; quoted scalars stay strings, keys keep document order.
  std::optional<json::value> to_json(const Field& f) {
    const YAML::Node& n = f.node;
    if (!n.IsDefined() || n.IsNull()) return json::value(nullptr);
    if (n.IsSequence()) {
      auto list = items(f);
      if (!list) return std::nullopt;
      json::array out;
      bool ok = true;
      for (const auto& item : *list) {
        auto v = to_json(item);
        if (v)
          out.push_back(std::move(*v));
        else
          ok = false;
      }
      if (!ok) return std::nullopt;
      return json::value(std::move(out));
    }
    if (n.IsMap()) {
      auto list = entries(f);
      if (!list) return std::nullopt;
      json::object out;
      bool ok = true;
      for (const auto& [name, value] : *list) {
        auto v = to_json(value);
        if (v)
          out.emplace(name, std::move(*v));
        else
          ok = false;
      }
      if (list->size() != n.size()) ok = false;  // a duplicate or complex key was reported
      if (!ok) return std::nullopt;
      return json::value(std::move(out));
    }
    return scalar_to_json(f);
  }

 private:
  std::optional<json::value> scalar_to_json(const Field& f) {
    auto text = expand(f, f.node.Scalar());
    if (!text) return std::nullopt;
    std::string tag = f.node.Tag();
    if (tag == "!" || tag == std::string(k_tag_prefix) + "str") return json::value(*text);
    if (tag != "?" && tag.rfind(k_tag_prefix, 0) != 0) {
      error(f, "unsupported tag " + tag + "; remove it, or quote the value to make it a string");
      return std::nullopt;
    }
    string_view wanted = tag == "?" ? string_view() : string_view(tag).substr(k_tag_prefix.size());
    if ((wanted.empty() || wanted == "null") && is_core_null(*text)) return json::value(nullptr);
    if (wanted.empty() || wanted == "bool") {
      if (auto b = core_bool(*text)) return json::value(*b);
    }
    if (wanted.empty() || wanted == "int") {
      if (auto i = core_int(*text)) return *i;
    }
    if (wanted.empty() || wanted == "float") {
      if (auto i = core_int(*text); i && wanted == "float") return json::value(i->to_number<double>());
      if (auto d = core_float(*text)) return json::value(*d);
      if (is_core_non_finite(*text)) {
        error(f, quoted(*text) + " has no JSON equivalent; use a finite number, or quote it to make it a string");
        return std::nullopt;
      }
    }
    if (wanted.empty()) return json::value(*text);
    error(f, "the value " + quoted(*text) + " is not a valid !!" + std::string(wanted) +
                 "; fix the value or remove the tag");
    return std::nullopt;
  }

  std::string file_;
  std::vector<ConfigError> errors_;
};

// A mapping with a fixed set of known keys. Unknown keys are reported once, on construction,
// with a "did you mean" hint. A Section over an absent value is empty: every get() is nothing.
class Section {
 public:
  Section(Reader& r, Field at, std::vector<std::string> known) : r_(r), at_(std::move(at)) {
    if (absent(at_.node)) return;
    auto list = r_.entries(at_);
    if (!list) return;
    present_ = true;
    for (auto& [name, field] : *list) {
      if (std::find(known.begin(), known.end(), name) != known.end()) {
        entries_.emplace_back(name, std::move(field));
      } else if (auto guess = closest(name, known)) {
        r_.error(field, "unknown key; did you mean " + quoted(*guess) + "?");
      } else {
        r_.error(field, "unknown key; expected one of: " + join(known, ", "));
      }
    }
  }

  bool present() const { return present_; }
  const Field& at() const { return at_; }

  // The value of `name`, or nothing when the key is absent or has no value.
  std::optional<Field> get(string_view name) const {
    for (const auto& [n, f] : entries_) {
      if (n == name && !absent(f.node)) return f;
    }
    return std::nullopt;
  }

  std::optional<Field> require(string_view name, string_view what_to_do) const {
    auto f = get(name);
    if (!f && present_) r_.error(at_.line, child_key(at_.key, name), "is required; " + std::string(what_to_do));
    return f;
  }

  Section section(string_view name, std::vector<std::string> known) const {
    if (auto f = get(name)) return Section(r_, *f, std::move(known));
    return Section(r_, Field{YAML::Node(), child_key(at_.key, name), at_.line}, {});
  }

  void read(string_view name, std::string& out) const {
    if (auto f = get(name))
      if (auto v = r_.string(*f)) out = std::move(*v);
  }
  void read(string_view name, bool& out) const {
    if (auto f = get(name))
      if (auto v = r_.boolean(*f)) out = *v;
  }
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

// ---------------------------------------------------------------------------------------------
// Checks of individual values; each returns what is wrong and what to do, or nothing.

struct UrlParts {
  std::string scheme;     // lower-case
  std::string authority;  // host[:port]
  std::string rest;       // path, query and fragment
};

std::optional<UrlParts> split_url(string_view url) {
  auto sep = url.find("://");
  if (sep == string_view::npos || sep == 0) return std::nullopt;
  UrlParts parts{lower(url.substr(0, sep)), "", ""};
  if (!std::isalpha(static_cast<unsigned char>(parts.scheme[0])) ||
      !std::all_of(parts.scheme.begin(), parts.scheme.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      }))
    return std::nullopt;
  string_view after = url.substr(sep + 3);
  auto end = after.find_first_of("/?#");
  parts.authority = std::string(after.substr(0, end));
  if (end != string_view::npos) parts.rest = std::string(after.substr(end));
  return parts;
}

// host[:port] with a non-empty host, an optional numeric port, no user info and no spaces.
std::optional<std::string> check_authority(string_view authority) {
  if (authority.empty()) return "has no host";
  if (authority.find_first_of("@ \t") != string_view::npos) return "may not contain user info or spaces";
  string_view host = authority;
  std::optional<string_view> port;
  if (authority[0] == '[') {
    auto close = authority.find(']');
    if (close == string_view::npos) return "has an unclosed [ in the host";
    host = authority.substr(0, close + 1);
    string_view tail = authority.substr(close + 1);
    if (!tail.empty() && tail[0] != ':') return "has text after the ] of the host";
    if (!tail.empty()) port = tail.substr(1);
  } else if (auto colon = authority.find(':'); colon != string_view::npos) {
    if (authority.find(':', colon + 1) != string_view::npos)
      return "has more than one colon; write an IPv6 host in brackets, like [::1]:8080";
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return "has no host";
  if (port && (!all_of(*port, is_digit) || port->size() > 5 || std::stoi(std::string(*port)) > 65535))
    return "has a port that is not a number from 0 to 65535";
  return std::nullopt;
}

std::optional<std::string> check_listen(string_view listen) {
  if (listen.find(':') == string_view::npos || listen.back() == ':')
    return "must be host:port, got " + quoted(listen) +
           "; write 127.0.0.1:8080 (local) or 0.0.0.0:8080 (all interfaces)";
  if (auto why = check_authority(listen))
    return "must be host:port, but " + quoted(listen) + " " + *why + "; write it like 127.0.0.1:8080";
  return std::nullopt;
}

// "https://x.example/" -> "https://x.example"; errors for a path, query, user info or other scheme.
std::optional<std::string> check_origin(std::string& value, bool http_only) {
  auto parts = split_url(value);
  string_view example = http_only ? "https://mcp.example.com" : "https://claude.ai";
  if (!parts) return "must be an origin such as " + std::string(example) + ", got " + quoted(value);
  if (http_only && parts->scheme != "http" && parts->scheme != "https")
    return "must use http or https, got " + quoted(value) + "; write it like " + std::string(example);
  if (auto why = check_authority(parts->authority))
    return quoted(value) + " " + *why + "; write it like " + std::string(example);
  std::string origin = parts->scheme + "://" + lower(parts->authority);
  if (!parts->rest.empty() && !(http_only && parts->rest == "/"))
    return "must be an origin without a path, got " + quoted(value) + "; write " + quoted(origin);
  value = origin;
  return std::nullopt;
}

std::optional<std::string> check_base_url(std::string& value) {
  auto parts = split_url(value);
  if (!parts || (parts->scheme != "http" && parts->scheme != "https"))
    return "must be an http(s) URL such as https://api.example.com/v1, got " + quoted(value);
  if (auto why = check_authority(parts->authority))
    return quoted(value) + " " + *why + "; write it like https://api.example.com/v1";
  if (parts->rest.find_first_of("?#") != std::string::npos)
    return "may not contain a query or fragment, got " + quoted(value) +
           "; put query parameters in the tools' http.query";
  while (!value.empty() && value.back() == '/') value.pop_back();
  return std::nullopt;
}

std::optional<std::string> check_host(string_view host) {
  if (host.find('/') != string_view::npos)
    return "must be a host name with an optional port such as mcp.example.com, got " + quoted(host) +
           "; drop the scheme and path";
  if (auto why = check_authority(host)) return quoted(host) + " " + *why + "; write it like mcp.example.com:443";
  return std::nullopt;
}

std::optional<std::string> check_header_name(string_view name) {
  if (!all_of(name, is_token_char)) return "invalid header name " + quoted(name) + "; use letters, digits and - only";
  return std::nullopt;
}

// Header maps keep document order; names must be tokens and values may not break the line.
std::optional<std::vector<std::pair<std::string, std::string>>> read_headers(Reader& r, const Field& f) {
  auto list = r.entries(f);
  if (!list) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> out;
  bool ok = true;
  for (const auto& [name, value] : *list) {
    if (auto why = check_header_name(name)) {
      r.error(value, *why);
      ok = false;
      continue;
    }
    if (absent(value.node)) {
      r.error(value, "has no value; write the header value, or quote an empty one as \"\"");
      ok = false;
      continue;
    }
    auto v = r.string(value);
    if (!v) {
      ok = false;
    } else if (v->find_first_of("\r\n") != std::string::npos) {
      r.error(value, "a header value may not contain line breaks; put it on one line");
      ok = false;
    } else {
      out.emplace_back(name, std::move(*v));
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sections

void read_server(Reader& r, const Section& s, ServerConfig& out) {
  if (auto f = s.get("listen")) {
    if (auto v = r.string(*f)) {
      if (auto why = check_listen(*v))
        r.error(*f, *why);
      else
        out.listen = *v;
    }
  }
  out.public_url = "http://" + out.listen;
  if (auto f = s.get("public_url")) {
    if (auto v = r.string(*f)) {
      if (auto why = check_origin(*v, true))
        r.error(*f, *why);
      else
        out.public_url = *v;
    }
  }
  s.read("threads", out.threads, 0, 1024);
  s.read("name", out.name);
  s.read("title", out.title);
  s.read("version", out.version);
  s.read("instructions", out.instructions);
  if (out.name.empty())
    r.error(s.at().line, child_key(s.at().key, "name"), "may not be empty; give the server a name such as acme-mcp");

  if (auto f = s.get("allowed_origins")) {
    if (auto list = r.items(*f)) {
      for (const auto& item : *list) {
        auto v = r.string(item);
        if (!v) continue;
        if (auto why = check_origin(*v, false))
          r.error(item, *why);
        else
          out.allowed_origins.push_back(*v);
      }
    }
  }
  if (auto f = s.get("allowed_hosts")) {
    if (auto list = r.items(*f)) {
      for (const auto& item : *list) {
        auto v = r.string(item);
        if (!v) continue;
        if (auto why = check_host(*v))
          r.error(item, *why);
        else
          out.allowed_hosts.push_back(lower(*v));
      }
    }
  }
  s.read("sessions", out.sessions);
  s.read("session_ttl_s", out.session_ttl, 1);
  s.read("page_size", out.page_size, 1, 10000);

  auto cache = s.section("cache", {"ttl_ms", "scope"});
  cache.read("ttl_ms", out.cache.ttl_ms, 0);
  if (auto f = cache.get("scope")) {
    if (auto v = r.string(*f)) {
      if (*v == "public" || *v == "private")
        out.cache.scope = *v;
      else
        r.error(*f, "must be \"public\" or \"private\", got " + quoted(*v) +
                        "; use private when replies depend on the caller");
    }
  }

  auto limits = s.section("limits", {"max_body_bytes", "max_header_bytes", "idle_timeout_ms", "read_timeout_ms",
                                     "write_timeout_ms", "drain_timeout_ms"});
  limits.read("max_body_bytes", out.max_body_bytes, 1);
  limits.read("max_header_bytes", out.max_header_bytes, 1);
  limits.read("idle_timeout_ms", out.idle_timeout, 1);
  limits.read("read_timeout_ms", out.read_timeout, 1);
  limits.read("write_timeout_ms", out.write_timeout, 1);
  limits.read("drain_timeout_ms", out.drain_timeout, 0);

  auto sse = s.section("sse", {"keepalive_ms", "retry_ms"});
  sse.read("keepalive_ms", out.sse_keepalive, 1);
  sse.read("retry_ms", out.sse_retry, 0);
}

void read_upstream(Reader& r, const Section& s, UpstreamConfig& out) {
  if (auto f = s.require("base_url", "add base_url: https://api.example.com/v1 (the API the tools call)")) {
    if (auto v = r.string(*f)) {
      if (auto why = check_base_url(*v))
        r.error(*f, *why);
      else
        out.base_url = *v;
    }
  }
  s.read("timeout_ms", out.timeout, 1);
  s.read("connect_timeout_ms", out.connect_timeout, 1);
  s.read("max_response_bytes", out.max_response_bytes, 1);
  if (auto f = s.get("headers"))
    if (auto h = read_headers(r, *f)) out.headers = std::move(*h);

  auto cred = s.section("credential", {"bearer_header", "api_key_header", "allow_argument", "fallback", "required"});
  for (auto [name, target] : {std::pair{"bearer_header", &out.credential.bearer_header},
                              std::pair{"api_key_header", &out.credential.api_key_header}}) {
    if (auto f = cred.get(name)) {
      if (auto v = r.string(*f)) {
        if (auto why = check_header_name(*v))
          r.error(*f, *why);
        else
          *target = *v;
      }
    }
  }
  cred.read("allow_argument", out.credential.allow_argument);
  cred.read("fallback", out.credential.fallback);
  cred.read("required", out.credential.required);
}

// What the checks of a tool's http binding need to know about its input schema.
struct SchemaFacts {
  bool known = false;  // false when the schema itself had errors: skip checks that depend on it
  std::vector<std::string> properties;
  std::vector<std::string> required;
  bool has(string_view name) const { return std::find(properties.begin(), properties.end(), name) != properties.end(); }
  bool is_required(string_view name) const {
    return std::find(required.begin(), required.end(), name) != required.end();
  }
};

constexpr string_view k_reserved_argument = "_api_key";

enum class SchemaRole { input, output };

// A tool schema: a mapping whose "type" is "object" ("type" is added first when absent). For the
// input schema, `facts` receives what the http binding is checked against.
std::optional<json::object> read_object_schema(Reader& r, const Field& f, SchemaRole role, SchemaFacts* facts) {
  if (!f.node.IsMap()) {
    r.error(f, "must be a mapping (a JSON Schema with type: object), got " + kind_of(f.node) +
                   "; write { type: object, properties: {...} }");
    return std::nullopt;
  }
  auto value = r.to_json(f);
  if (!value) return std::nullopt;
  json::object schema = std::move(value->as_object());
  bool ok = true;
  auto entry = [&](string_view name) -> Field {
    for (auto it = f.node.begin(); it != f.node.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == name)
        return {it->second, child_key(f.key, name), line_of(it->first, f.line)};
    return {YAML::Node(), child_key(f.key, name), f.line};
  };
  if (auto* type = schema.if_contains("type")) {
    if (!type->is_string() || type->as_string() != "object") {
      r.error(entry("type"),
              "must be \"object\" (MCP tools take a JSON object of arguments); put the arguments under properties");
      ok = false;
    }
  } else {
    json::object with_type;
    with_type.emplace("type", "object");
    for (auto& [k, v] : schema) with_type.emplace(k, std::move(v));
    schema = std::move(with_type);
  }
  std::vector<std::string> properties;
  if (auto* props = schema.if_contains("properties")) {
    Field pf = entry("properties");
    if (!props->is_object()) {
      r.error(pf, "must be a mapping from argument name to its schema, got " + kind_of(pf.node));
      ok = false;
    } else {
      for (auto it = pf.node.begin(); it != pf.node.end(); ++it) {
        std::string name = it->first.Scalar();
        if (role == SchemaRole::input && name == k_reserved_argument) {
          r.error(line_of(it->first, pf.line), child_key(pf.key, name),
                  "\"_api_key\" is reserved for the credential argument; rename the property");
          ok = false;
        }
        properties.push_back(name);
      }
    }
  }
  std::vector<std::string> required;
  if (auto* req = schema.if_contains("required")) {
    Field rf = entry("required");
    bool strings = req->is_array() && std::all_of(req->as_array().begin(), req->as_array().end(),
                                                  [](const json::value& v) { return v.is_string(); });
    if (!strings) {
      r.error(rf, "must be a list of property names, got " + kind_of(rf.node) + "; write [name, other]");
      ok = false;
    } else {
      for (const auto& v : req->as_array()) required.emplace_back(v.as_string());
    }
  }
  if (!ok) return std::nullopt;
  if (facts) *facts = {true, std::move(properties), std::move(required)};
  return schema;
}

// "/a/{x}/b/{y}" -> {x, y}, or what is wrong with the template.
std::optional<std::string> parse_path_template(string_view path, std::vector<std::string>& params) {
  if (path.empty() || path[0] != '/')
    return "must start with \"/\", got " + quoted(path) + "; write " + quoted("/" + std::string(path));
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '}')
      return "unbalanced \"}\" at position " + std::to_string(i + 1) + " of " + quoted(path) +
             "; remove it or add the matching {";
    if (path[i] != '{') continue;
    auto close = path.find_first_of("{}", i + 1);
    if (close == string_view::npos || path[close] == '{')
      return "unbalanced \"{\" at position " + std::to_string(i + 1) + " of " + quoted(path) + "; close it with }";
    std::string name(path.substr(i + 1, close - i - 1));
    if (name.empty()) return "empty parameter {} in " + quoted(path) + "; put an argument name between the braces";
    if (std::find(params.begin(), params.end(), name) == params.end()) params.push_back(name);
    i = close;
  }
  return std::nullopt;
}

// An argument named in the binding must be a property of the input schema.
bool check_argument(Reader& r, const Field& f, const SchemaFacts& schema, const std::string& name, bool braces) {
  if (!schema.known || schema.has(name)) return true;
  std::string shown = braces ? "{" + name + "}" : quoted(name);
  std::string what = braces ? "unknown parameter " : "unknown argument ";
  if (auto guess = closest(name, schema.properties))
    r.error(f, what + shown + "; did you mean " + (braces ? "{" + *guess + "}" : quoted(*guess)) + "?");
  else
    r.error(f, what + shown + "; add " + quoted(name) + " to input_schema.properties");
  return false;
}

const std::vector<std::string> k_methods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};

void read_http(Reader& r, const Field& f, const SchemaFacts& schema, HttpBinding& out) {
  Section s(r, f, {"method", "path", "query", "body", "headers", "response"});
  if (auto m = s.get("method")) {
    if (auto v = r.string(*m)) {
      std::string method = upper(*v);
      if (std::find(k_methods.begin(), k_methods.end(), method) != k_methods.end())
        out.method = method;
      else
        r.error(*m, "unsupported method " + quoted(*v) + "; use one of " + join(k_methods, ", "));
    }
  }
  bool sends_body = out.method == "POST" || out.method == "PUT" || out.method == "PATCH";
  out.body = sends_body ? BodyMode::all : BodyMode::none;

  if (auto p = s.require("path", "add path: /resource/{id} (appended to upstream.base_url)")) {
    if (auto v = r.string(*p)) {
      out.path = *v;
      std::vector<std::string> params;
      if (auto why = parse_path_template(*v, params)) {
        r.error(*p, *why);
      } else {
        for (const auto& name : params) {
          if (!check_argument(r, *p, schema, name, true)) continue;
          if (schema.known && !schema.is_required(name))
            r.error(*p, "path parameter {" + name + "} must be required in input_schema; add " + quoted(name) +
                            " to input_schema.required");
        }
        out.path_params = std::move(params);
      }
    }
  }

  if (auto q = s.get("query")) {
    if (auto list = r.items(*q)) {
      std::vector<std::string> names;
      for (const auto& item : *list) {
        auto name = r.string(item);
        if (!name || !check_argument(r, item, schema, *name, false)) continue;
        if (std::find(out.path_params.begin(), out.path_params.end(), *name) != out.path_params.end())
          r.error(item, quoted(*name) + " is already sent as path parameter {" + *name + "}; remove it from query");
        else
          names.push_back(*name);
      }
      out.query = std::move(names);
    }
  }

  if (auto b = s.get("body")) {
    if (b->node.IsMap()) {
      Section body(r, *b, {"field"});
      if (auto field = body.require("field", "write body: {field: NAME} with NAME an argument, or body: all | none")) {
        if (auto name = r.string(*field); name && check_argument(r, *field, schema, *name, false)) {
          out.body = BodyMode::field;
          out.body_field = *name;
        }
      }
    } else if (auto v = r.string(*b)) {
      if (*v == "all")
        out.body = BodyMode::all;
      else if (*v == "none")
        out.body = BodyMode::none;
      else
        r.error(*b, "must be all, none or {field: NAME}, got " + quoted(*v));
    }
  }

  if (auto h = s.get("headers"))
    if (auto headers = read_headers(r, *h)) out.headers = std::move(*headers);

  if (auto resp = s.get("response")) {
    if (auto v = r.string(*resp)) {
      if (*v == "auto" || *v == "text" || *v == "resource")
        out.response = *v;
      else
        r.error(*resp,
                "must be auto, text or resource, got " + quoted(*v) + "; auto picks by the reply's Content-Type");
    }
  }
}

const std::vector<std::string> k_annotations = {"title", "readOnlyHint", "destructiveHint", "idempotentHint",
                                                "openWorldHint"};

void read_annotations(Reader& r, const Field& f, ToolConfig& out) {
  Section s(r, f, k_annotations);
  if (!s.present()) return;
  json::object annotations;
  bool ok = true;
  for (const auto& name : k_annotations) {
    auto field = s.get(name);
    if (!field) continue;
    if (name == "title") {
      if (auto v = r.string(*field))
        annotations.emplace(name, *v);
      else
        ok = false;
    } else if (auto v = r.boolean(*field)) {
      annotations.emplace(name, *v);
    } else {
      ok = false;
    }
  }
  if (ok) out.annotations = std::move(annotations);
}

void read_icons(Reader& r, const Field& f, ToolConfig& out) {
  auto list = r.items(f);
  if (!list) return;
  bool ok = true;
  for (const auto& item : *list) {
    if (!item.node.IsMap()) {
      r.error(item, "an icon must be a mapping, got " + kind_of(item.node) +
                        "; write { src: https://..., mimeType: image/png }");
      ok = false;
    } else if (absent(item.node["src"])) {
      r.error(item.line, child_key(item.key, "src"), "is required; give the icon's URL");
      ok = false;
    }
  }
  auto icons = r.to_json(f);
  if (ok && icons) out.icons = std::move(icons->as_array());
}

bool valid_tool_name(string_view name) {
  return name.size() >= 1 && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
         });
}

void read_tool(Reader& r, const Field& f, ToolConfig& out) {
  out.where = {r.file(), f.line, f.key};
  if (!f.node.IsMap()) {
    r.error(f, "expected a tool (a mapping with name, description, input_schema and http), got " + kind_of(f.node));
    return;
  }
  Section s(r, f, {"name", "title", "description", "input_schema", "output_schema", "annotations", "icons", "http",
                   "client_capabilities", "poll_after_ms"});
  if (auto n = s.require("name", "give the tool a name such as get_workflow")) {
    if (auto v = r.string(*n)) {
      if (valid_tool_name(*v))
        out.name = *v;
      else
        r.error(*n, "invalid tool name " + quoted(*v) + "; use 1 to 64 letters, digits, _ or -");
    }
  }
  s.read("title", out.title);
  if (auto d = s.require("description", "say what the tool does; the model reads it to decide when to call the tool")) {
    if (auto v = r.string(*d)) {
      if (v->empty()) r.error(*d, "may not be empty; say what the tool does");
      out.description = *v;
    }
  }
  SchemaFacts facts;
  if (auto in = s.require("input_schema", "write input_schema: { type: object, properties: {...} }")) {
    if (auto schema = read_object_schema(r, *in, SchemaRole::input, &facts)) out.input_schema = std::move(*schema);
  }
  if (auto o = s.get("output_schema")) {
    if (auto schema = read_object_schema(r, *o, SchemaRole::output, nullptr))
      out.output_schema = json::value(std::move(*schema));
  }
  if (auto a = s.get("annotations")) read_annotations(r, *a, out);
  if (auto i = s.get("icons")) read_icons(r, *i, out);
  if (auto h =
          s.require("http", "add http: { method: GET, path: /resource } to say which upstream call the tool makes"))
    read_http(r, *h, facts, out.http);
  if (auto c = s.get("client_capabilities")) {
    auto value = r.to_json(*c);
    if (value && value->is_object()) {
      out.client_capabilities = value->as_object();
    } else if (value) {
      r.error(*c, "must be a mapping of capability names, e.g. { sampling: {} }");
    }
  }
  if (s.get("poll_after_ms")) {
    std::chrono::milliseconds poll{0};
    s.read("poll_after_ms", poll, 0);
    out.poll_after = poll;
  }
}

void read_tools(Reader& r, const Field& f, std::vector<ToolConfig>& out) {
  auto list = r.items(f);
  if (!list) return;
  std::map<std::string, int> first_line;
  for (const auto& item : *list) {
    ToolConfig tool;
    read_tool(r, item, tool);
    if (!tool.name.empty()) {
      auto [pos, fresh] = first_line.emplace(tool.name, item.line);
      if (!fresh)
        r.error(item.line, child_key(item.key, "name"),
                "duplicate tool name " + quoted(tool.name) + " (first defined at line " + std::to_string(pos->second) +
                    "); rename one of them");
    }
    out.push_back(std::move(tool));
  }
}

Config read_config(Reader& r, const YAML::Node& root, const std::string& file) {
  Config config;
  config.file = file;
  if (absent(root)) {
    r.error(0, "", "the file is empty; it needs at least an upstream section with base_url and a tools list");
    return config;
  }
  Field top{root, "", line_of(root, 1)};
  if (!root.IsMap()) {
    r.error(top, "expected a mapping with server, upstream and tools at the top level, got " + kind_of(root));
    return config;
  }
  Section s(r, top, {"server", "upstream", "tools"});
  read_server(r,
              s.section("server", {"listen", "public_url", "threads", "name", "title", "version", "instructions",
                                   "allowed_origins", "allowed_hosts", "sessions", "session_ttl_s", "page_size",
                                   "cache", "limits", "sse"}),
              config.server);
  auto upstream = s.section(
      "upstream", {"base_url", "timeout_ms", "connect_timeout_ms", "max_response_bytes", "headers", "credential"});
  if (upstream.present())
    read_upstream(r, upstream, config.upstream);
  else
    s.require("upstream", "add upstream: { base_url: https://api.example.com/v1 }");
  if (auto t = s.get("tools")) read_tools(r, *t, config.tools);
  return config;
}

}  // namespace

Expected<Config, std::vector<ConfigError>> load_text(const std::string& text, const std::string& file) {
  Reader r(file);
  Config config;
  try {
    YAML::Node root = YAML::Load(text);
    config = read_config(r, root, file);
  } catch (const YAML::Exception& e) {
    int line = e.mark.line < 0 ? 0 : e.mark.line + 1;
    std::string where = e.mark.column < 0 ? "" : " (column " + std::to_string(e.mark.column + 1) + ")";
    r.error(line, "", "invalid YAML: " + e.msg + where + "; fix the syntax on this line or the one before it");
  }
  if (r.failed()) return Unexpected{r.take_errors()};
  return config;
}

Expected<Config, std::vector<ConfigError>> load_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  auto cannot_read = [&](int err) {
    return Unexpected{std::vector<ConfigError>{
        {{path, 0, ""},
         "cannot read file: " + std::string(std::strerror(err)) + "; check the path and its permissions"}}};
  };
  if (!f) return cannot_read(errno);
  std::string text;
  char buffer[8192];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  int err = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (err) return cannot_read(err);
  return load_text(text, path);
}

}  // namespace mcpedge::config
