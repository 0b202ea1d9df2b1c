// MCP protocol revisions and which fields each one defines (emit a field only where it exists).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mcpedge {

enum class Revision : std::uint8_t { v2024_11_05, v2025_03_26, v2025_06_18, v2025_11_25, v2026_07_28 };

inline constexpr std::array<Revision, 5> k_revisions{
    Revision::v2024_11_05, Revision::v2025_03_26, Revision::v2025_06_18, Revision::v2025_11_25, Revision::v2026_07_28};
inline constexpr Revision k_latest_legacy = Revision::v2025_11_25;
inline constexpr Revision k_latest = Revision::v2026_07_28;

constexpr std::string_view to_string(Revision r) {
  switch (r) {
    case Revision::v2024_11_05:
      return "2024-11-05";
    case Revision::v2025_03_26:
      return "2025-03-26";
    case Revision::v2025_06_18:
      return "2025-06-18";
    case Revision::v2025_11_25:
      return "2025-11-25";
    case Revision::v2026_07_28:
      return "2026-07-28";
  }
  return "2025-03-26";
}

constexpr std::optional<Revision> parse_revision(std::string_view text) {
  for (Revision r : k_revisions) {
    if (to_string(r) == text) return r;
  }
  return std::nullopt;
}

constexpr std::size_t index_of(Revision r) { return static_cast<std::size_t>(r); }

// Per-revision features (shared/mcp-spec.md §0 and §7).
constexpr bool is_modern(Revision r) { return r == Revision::v2026_07_28; }
constexpr bool has_annotations(Revision r) { return r >= Revision::v2025_03_26; }
constexpr bool has_audio(Revision r) { return r >= Revision::v2025_03_26; }
constexpr bool has_structured_content(Revision r) { return r >= Revision::v2025_06_18; }  // + title, outputSchema
constexpr bool has_icons(Revision r) { return r >= Revision::v2025_11_25; }
constexpr bool has_execution(Revision r) { return r == Revision::v2025_11_25; }
constexpr bool structured_content_any_json(Revision r) { return r >= Revision::v2026_07_28; }
// 2025-11-25 (SEP-1303): invalid tool arguments are an isError result, before that a -32602 error.
constexpr bool argument_errors_are_results(Revision r) { return r >= Revision::v2025_11_25; }
constexpr bool has_batches(Revision r) { return r == Revision::v2025_03_26; }

}  // namespace mcpedge
