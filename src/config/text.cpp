// Text helpers the config reader shares: quoting, case, key paths and "did you mean" hints.
#include "config/text.hpp"

#include <algorithm>
#include <cctype>

namespace mcpedge::config::detail {

using std::string_view;

namespace {

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

}  // namespace

std::string quoted(string_view s) { return "\"" + std::string(s) + "\""; }

std::string upper(string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
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

// The candidate within edit distance 2 of `word` (closest first), for "did you mean" hints.
std::optional<std::string> closest(string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 3;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(ascii_lower(word), ascii_lower(c));
    if (d < best_distance && d < std::max<std::size_t>(word.size(), 2)) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace mcpedge::config::detail
