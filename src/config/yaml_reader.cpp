// The Reader and Section: YAML 1.2 core-schema scalars, ${ENV} substitution and YAML to JSON, with every error kept.
#include "config/yaml_reader.hpp"

#include "config/text.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>

namespace mcpedge::config::detail {

namespace {

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

}  // namespace

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

std::optional<std::string> Reader::expand(const Field& f, string_view raw) {
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

std::optional<std::string> Reader::string(const Field& f) {
  if (!f.node.IsScalar()) {
    error(f, "expected a string, got " + kind_of(f.node) +
                 "; quote the value if it contains \": \" or starts with [ or {");
    return std::nullopt;
  }
  return expand(f, f.node.Scalar());
}

std::optional<std::int64_t> Reader::integer(const Field& f, std::int64_t min, std::int64_t max, std::int64_t example) {
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

std::optional<bool> Reader::boolean(const Field& f) {
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

std::optional<std::vector<std::string>> Reader::strings(const Field& f) {
  if (f.node.IsScalar()) {
    auto v = string(f);
    if (!v) return std::nullopt;
    if (v->empty()) {
      error(f, "may not be empty");
      return std::nullopt;
    }
    return std::vector<std::string>{std::move(*v)};
  }
  auto list = items(f);
  if (!list) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& item : *list) {
    auto v = string(item);
    if (!v) {
      ok = false;
    } else if (v->empty()) {
      error(item, "may not be empty");
      ok = false;
    } else {
      out.push_back(std::move(*v));
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<Field>> Reader::items(const Field& f) {
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

std::optional<std::vector<std::pair<std::string, Field>>> Reader::entries(const Field& f) {
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

std::optional<json::value> Reader::to_json(const Field& f) {
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

std::optional<json::value> Reader::scalar_to_json(const Field& f) {
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

Section::Section(Reader& r, Field at, std::vector<std::string> known) : r_(r), at_(std::move(at)) {
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

std::optional<Field> Section::get(string_view name) const {
  for (const auto& [n, f] : entries_) {
    if (n == name && !absent(f.node)) return f;
  }
  return std::nullopt;
}

std::optional<Field> Section::require(string_view name, string_view what_to_do) const {
  auto f = get(name);
  if (!f && present_) r_.error(at_.line, child_key(at_.key, name), "is required; " + std::string(what_to_do));
  return f;
}

Section Section::section(string_view name, std::vector<std::string> known) const {
  if (auto f = get(name)) return Section(r_, *f, std::move(known));
  return Section(r_, Field{YAML::Node(), child_key(at_.key, name), at_.line}, {});
}

void Section::read(string_view name, std::string& out) const {
  if (auto f = get(name))
    if (auto v = r_.string(*f)) out = std::move(*v);
}
void Section::read(string_view name, bool& out) const {
  if (auto f = get(name))
    if (auto v = r_.boolean(*f)) out = *v;
}

}  // namespace mcpedge::config::detail
