// Bytes the sample API serves besides JSON: a PNG pixel, WAV silence, workflow SVGs, multipart bodies.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpedge::demo {

// A valid 1x1 red RGBA PNG.
std::string_view png_pixel();

// A RIFF/WAVE file of silence: PCM, mono, 8-bit unsigned (silence is 0x80).
std::string wav_silence(std::chrono::milliseconds duration, unsigned sample_rate = 8000);

struct DiagramStep {
  std::string name;
  std::string type;  // e.g. "schedule_trigger", "send_email"
};

// A top-to-bottom flowchart of the steps as a standalone SVG document (image/svg+xml).
std::string workflow_svg(std::string_view title, const std::vector<DiagramStep>& steps);

struct MimePart {
  std::vector<std::pair<std::string, std::string>> headers;  // written in this order
  std::string body;
};

// A multipart body (RFC 2046 §5.1.1): CRLF line breaks, `--boundary` delimiters, closing `--boundary--`.
std::string multipart_body(std::string_view boundary, const std::vector<MimePart>& parts);

// Escapes &, <, >, " and ' for XML text and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace mcpedge::demo
