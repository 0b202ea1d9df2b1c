// Checks of individual setting values (listen address, origins, URLs, hosts, header names) and header maps.
#pragma once

#include "config/yaml_reader.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpedge::config::detail {

// Each check returns what is wrong and what to do, or nothing.
std::optional<std::string> check_listen(string_view listen);
// "https://x.example/" -> "https://x.example"; errors for a path, query, user info or other scheme.
std::optional<std::string> check_origin(std::string& value, bool http_only);
// Strips trailing slashes from `value`.
std::optional<std::string> check_base_url(std::string& value);
std::optional<std::string> check_host(string_view host);
std::optional<std::string> check_header_name(string_view name);

// Header maps keep document order; names must be tokens and values may not break the line.
std::optional<std::vector<std::pair<std::string, std::string>>> read_headers(Reader& r, const Field& f);

}  // namespace mcpedge::config::detail
