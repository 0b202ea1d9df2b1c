// bind(): path templating with strict encoding, query and body selection, credential header.
#include "tools/binding.hpp"

#include "tools/catalog.hpp"
#include "tools/credential.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace mcpedge::tools {

namespace json = boost::json;

namespace {

std::string percent_encode(std::string_view value) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

// A scalar argument as text: strings as-is, numbers and booleans as JSON.
std::optional<std::string> scalar_text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_int64() || v.is_uint64() || v.is_double() || v.is_bool()) return json::serialize(v);
  return std::nullopt;
}

bool has_body(const std::string& method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

}  // namespace

std::string encode_path_value(std::string_view value) { return percent_encode(value); }
std::string encode_query_component(std::string_view value) { return percent_encode(value); }

Expected<UpstreamCall, std::string> bind_call(const config::UpstreamConfig& upstream, const config::ToolConfig& tool,
                                              const json::object& arguments, std::string_view credential) {
  const config::HttpBinding& b = tool.http;
  UpstreamCall call;
  call.request.method = b.method;
  call.request.timeout = upstream.timeout;
  call.request.connect_timeout = upstream.connect_timeout;
  call.request.max_response_bytes = upstream.max_response_bytes;

  // Path: each {param} replaced by its encoded value.
  std::string path;
  std::size_t pos = 0;
  while (pos < b.path.size()) {
    auto open = b.path.find('{', pos);
    if (open == std::string::npos) {
      path.append(b.path, pos);
      break;
    }
    path.append(b.path, pos, open - pos);
    auto close = b.path.find('}', open);
    std::string name = b.path.substr(open + 1, close - open - 1);
    const json::value* v = arguments.if_contains(name);
    if (!v) return Unexpected{"path parameter \"" + name + "\" is required"};
    auto text = scalar_text(*v);
    if (!text) return Unexpected{"path parameter \"" + name + "\" must be a string, number or boolean"};
    if (text->empty()) return Unexpected{"path parameter \"" + name + "\" must not be empty"};
    if (*text == "." || *text == "..")
      return Unexpected{"path parameter \"" + name + "\" must not be \"" + *text + "\""};
    path += encode_path_value(*text);
    pos = close + 1;
  }

  auto is_path_param = [&](std::string_view name) {
    return std::find(b.path_params.begin(), b.path_params.end(), name) != b.path_params.end();
  };
  auto is_internal = [&](std::string_view name) { return name == k_api_key_argument || is_path_param(name); };

  // Query: the explicit list, or for body-less methods every remaining argument.
  std::vector<std::string> query_names;
  if (b.query) {
    query_names = *b.query;
  } else if (b.body == config::BodyMode::none || !has_body(b.method)) {
    for (const auto& [key, value] : arguments) {
      if (!is_internal(key)) query_names.emplace_back(key);
    }
  }
  std::string query;
  auto add_query = [&](std::string_view name, std::string_view value) {
    query += query.empty() ? '?' : '&';
    query += encode_query_component(name);
    query += '=';
    query += encode_query_component(value);
  };
  for (const auto& name : query_names) {
    const json::value* v = arguments.if_contains(name);
    if (!v || v->is_null()) continue;
    if (const auto* arr = v->if_array()) {
      for (const auto& item : *arr) {
        auto text = scalar_text(item);
        add_query(name, text ? *text : json::serialize(item));
      }
    } else {
      auto text = scalar_text(*v);
      add_query(name, text ? *text : json::serialize(*v));
    }
  }
  call.request.url = upstream.base_url + path + query;
  call.display = b.method + " " + path;

  // Body.
  if (has_body(b.method) && b.body != config::BodyMode::none) {
    if (b.body == config::BodyMode::field) {
      const json::value* v = arguments.if_contains(b.body_field);
      call.request.body = v ? json::serialize(*v) : "null";
    } else {
      json::object body;
      for (const auto& [key, value] : arguments) {
        if (is_internal(key)) continue;
        if (b.query && std::find(b.query->begin(), b.query->end(), key) != b.query->end()) continue;
        body[key] = value;
      }
      call.request.body = json::serialize(body);
    }
    call.request.headers.emplace_back("Content-Type", "application/json");
  }
  call.request.headers.emplace_back("Accept", "application/json, */*;q=0.8");
  for (const auto& header : upstream.headers) call.request.headers.push_back(header);
  for (const auto& header : b.headers) call.request.headers.push_back(header);
  apply_credential(upstream.credential, credential, call.request.headers);
  return call;
}

}  // namespace mcpedge::tools
