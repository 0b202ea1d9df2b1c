// Logging: one JSON line per event, secrets redacted before they reach a sink.
#pragma once

#include <string>
#include <string_view>

namespace mcpedge::observability {

enum class LogFormat { text, json };

// Configures the default spdlog logger (stderr). `level` is one of trace, debug, info, warn, error.
void init_logging(std::string_view level, LogFormat format);

// A credential as it may appear in logs: its first 4 characters and its length, e.g. "sk_t…(40)".
std::string redact(std::string_view secret);

}  // namespace mcpedge::observability
