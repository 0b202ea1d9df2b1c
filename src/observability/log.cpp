// Logging: one JSON line per event, secrets redacted before they reach a sink.
#include "observability/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace mcpedge::observability {
namespace {

constexpr std::string_view k_ellipsis = "\u2026";

void append(spdlog::memory_buf_t& dest, std::string_view s) { dest.append(s.data(), s.data() + s.size()); }

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF are not well-formed).
std::size_t utf8_sequence_length(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// A log line must stay one parseable JSON object whatever a message contains (quotes, newlines
// from an upstream error body, stray bytes), so control characters are escaped and invalid
// UTF-8 becomes U+FFFD.
void append_json_escaped(spdlog::memory_buf_t& dest, std::string_view s) {
  constexpr std::string_view hex = "0123456789abcdef";
  while (!s.empty()) {
    const auto c = static_cast<unsigned char>(s[0]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(s);
      if (n == 0) {
        append(dest, "\\ufffd");
        s.remove_prefix(1);
      } else {
        append(dest, s.substr(0, n));
        s.remove_prefix(n);
      }
      continue;
    }
    switch (c) {
      case '"':
        append(dest, "\\\"");
        break;
      case '\\':
        append(dest, "\\\\");
        break;
      case '\n':
        append(dest, "\\n");
        break;
      case '\r':
        append(dest, "\\r");
        break;
      case '\t':
        append(dest, "\\t");
        break;
      case '\b':
        append(dest, "\\b");
        break;
      case '\f':
        append(dest, "\\f");
        break;
      default:
        if (c < 0x20) {
          const std::array<char, 6> u{'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0x0F]};
          dest.append(u.data(), u.data() + u.size());
        } else {
          dest.push_back(static_cast<char>(c));
        }
    }
    s.remove_prefix(1);
  }
}

// The `%*` flag of the JSON pattern: the message payload as the inside of a JSON string.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    append_json_escaped(dest, std::string_view(msg.payload.data(), msg.payload.size()));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }
};

spdlog::level::level_enum parse_level(std::string_view level) {
  constexpr std::array<std::pair<std::string_view, spdlog::level::level_enum>, 5> levels{{
      {"trace", spdlog::level::trace},
      {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},
  }};
  for (const auto& [name, value] : levels) {
    if (name == level) return value;
  }
  // Called once at start-up from configuration; a bad value stops the process with this message.
  throw std::invalid_argument("log level \"" + std::string(level) + "\" is not one of trace, debug, info, warn, error");
}

}  // namespace

void init_logging(std::string_view level, LogFormat format) {
  const spdlog::level::level_enum threshold = parse_level(level);
  std::shared_ptr<spdlog::logger> logger;
  if (format == LogFormat::json) {
    // No colour codes: they would end up inside the JSON string.
    logger = std::make_shared<spdlog::logger>("mcpedge", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonEscapedMessage>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%*"})");
    logger->set_formatter(std::move(formatter));
  } else {
    logger = std::make_shared<spdlog::logger>("mcpedge", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  }
  logger->set_level(threshold);
  // Warnings and errors are rare and matter most right before a crash; do not leave them buffered.
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

std::string redact(std::string_view secret) {
  const std::string length = "(" + std::to_string(secret.size()) + ")";
  // Four characters of a short secret would be most of it; show only its length.
  if (secret.size() < 8) return std::string(k_ellipsis) + length;
  std::size_t prefix = 4;
  // Do not cut a UTF-8 sequence in half: back off to the start of the character.
  while (prefix > 0 && (static_cast<unsigned char>(secret[prefix]) & 0xC0) == 0x80) --prefix;
  return std::string(secret.substr(0, prefix)) + std::string(k_ellipsis) + length;
}

}  // namespace mcpedge::observability
