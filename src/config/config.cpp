// Formatting of configuration errors as "file:line: key: message".
#include "config/config.hpp"

namespace mcpedge::config {

std::string ConfigError::to_string() const {
  std::string out = where.file;
  if (where.line > 0) {
    out += ':';
    out += std::to_string(where.line);
  }
  if (!out.empty()) out += ": ";
  if (!where.key.empty()) {
    out += where.key;
    out += ": ";
  }
  out += message;
  return out;
}

}  // namespace mcpedge::config
