// Text helpers the config reader shares: quoting, case, key paths and "did you mean" hints.
#pragma once

#include "base/ascii.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::config::detail {

std::string quoted(std::string_view s);
std::string upper(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Key paths for error messages: "server" + "cache" -> "server.cache", "tools" + 3 -> "tools[3]".
std::string child_key(const std::string& parent, std::string_view key);
std::string item_key(const std::string& parent, std::size_t index);

bool is_digit(char c);

// The candidate within edit distance 2 of `word` (closest first), for "did you mean" hints.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace mcpedge::config::detail
