// ASCII case folding for protocol tokens (schemes, hosts, header names, media types): locale-free.
#pragma once

#include <string>
#include <string_view>

namespace mcpedge {

constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline void ascii_lower_in_place(std::string& s) {
  for (char& c : s) c = ascii_lower(c);
}

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  ascii_lower_in_place(out);
  return out;
}

}  // namespace mcpedge
