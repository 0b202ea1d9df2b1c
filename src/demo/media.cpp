// Generates the non-JSON bodies of the sample API: PNG pixel, WAV silence, SVG diagrams, multipart.
#include "demo/media.hpp"

#include "web/pages.hpp"

#include <array>
#include <cstdint>

namespace mcpedge::demo {

namespace {

// 1x1 red pixel, RGBA; chunk CRCs checked against zlib.crc32 when the bytes were generated.
constexpr std::array<unsigned char, 70> k_png_pixel = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
    0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xfc, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x05, 0x02, 0x00,
    0x5f, 0xc8, 0xf1, 0xd2, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

void put_u32le(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_u16le(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}

// Long names would run out of their box; the full name stays in the <title> tooltip.
std::string shorten(std::string_view text, std::size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  std::size_t cut = max_chars - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;  // UTF-8 boundary
  return std::string(text.substr(0, cut)) + "\xe2\x80\xa6";                         // U+2026 ellipsis
}

struct StepLook {
  const char* fill;
  const char* stroke;
  const char* label;
};

StepLook look_of(std::string_view type) {
  if (type.ends_with("_trigger")) return {"#e6f4ea", "#1e8e3e", "TRIGGER"};
  if (type == "condition") return {"#fef7e0", "#f9ab00", "CONDITION"};
  if (type == "delay") return {"#f1f3f4", "#5f6368", "DELAY"};
  return {"#e8f0fe", "#1a73e8", "ACTION"};
}

}  // namespace

std::string_view png_pixel() { return {reinterpret_cast<const char*>(k_png_pixel.data()), k_png_pixel.size()}; }

std::string wav_silence(std::chrono::milliseconds duration, unsigned sample_rate) {
  const auto samples = static_cast<std::uint32_t>(duration.count() * sample_rate / 1000);
  std::string out;
  out.reserve(44 + samples);
  out += "RIFF";
  put_u32le(out, 36 + samples);
  out += "WAVE";
  out += "fmt ";
  put_u32le(out, 16);  // PCM format chunk size
  put_u16le(out, 1);   // PCM
  put_u16le(out, 1);   // mono
  put_u32le(out, sample_rate);
  put_u32le(out, sample_rate);  // byte rate: rate * channels * 1 byte
  put_u16le(out, 1);            // block align
  put_u16le(out, 8);            // bits per sample
  out += "data";
  put_u32le(out, samples);
  out.append(samples, static_cast<char>(0x80));
  return out;
}

std::string xml_escape(std::string_view text) { return web::escape(text); }

std::string workflow_svg(std::string_view title, const std::vector<DiagramStep>& steps) {
  constexpr int width = 360, box_w = 280, box_h = 56, gap = 34, top = 64, left = (width - box_w) / 2;
  const int count = steps.empty() ? 1 : static_cast<int>(steps.size());
  const int height = top + count * box_h + (count - 1) * gap + 24;
  const std::string w = std::to_string(width), h = std::to_string(height);

  std::string svg;
  svg += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " +
         h + "\" role=\"img\" font-family=\"Helvetica, Arial, sans-serif\">\n";
  svg += "<title>" + xml_escape(title) + "</title>\n";
  svg +=
      "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" "
      "markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#5f6368\"/>"
      "</marker></defs>\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  svg += "<text x=\"" + std::to_string(width / 2) +
         "\" y=\"36\" text-anchor=\"middle\" font-size=\"16\" "
         "font-weight=\"bold\" fill=\"#202124\">" +
         xml_escape(shorten(title, 40)) + "</text>\n";

  if (steps.empty()) {
    svg += "<rect x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(top) + "\" width=\"" +
           std::to_string(box_w) + "\" height=\"" + std::to_string(box_h) +
           "\" rx=\"10\" fill=\"#f8f9fa\" stroke=\"#9aa0a6\" stroke-dasharray=\"6 4\"/>\n";
    svg += "<text x=\"" + std::to_string(width / 2) + "\" y=\"" + std::to_string(top + box_h / 2 + 5) +
           "\" text-anchor=\"middle\" font-size=\"14\" fill=\"#5f6368\">No steps yet</text>\n";
  }
  for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
    const DiagramStep& step = steps[static_cast<std::size_t>(i)];
    const StepLook look = look_of(step.type);
    const int y = top + i * (box_h + gap);
    svg += "<g>\n<title>" + xml_escape(step.name) + " (" + xml_escape(step.type) + ")</title>\n";
    svg += "<rect x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(box_w) +
           "\" height=\"" + std::to_string(box_h) + "\" rx=\"10\" fill=\"" + look.fill + "\" stroke=\"" + look.stroke +
           "\" stroke-width=\"2\"/>\n";
    svg += "<text x=\"" + std::to_string(left + 14) + "\" y=\"" + std::to_string(y + 20) +
           "\" font-size=\"10\" fill=\"" + look.stroke + "\">" + std::to_string(i + 1) + " \xc2\xb7 " + look.label +
           " \xc2\xb7 " + xml_escape(step.type) + "</text>\n";
    svg += "<text x=\"" + std::to_string(left + 14) + "\" y=\"" + std::to_string(y + 41) +
           "\" font-size=\"14\" fill=\"#202124\">" + xml_escape(shorten(step.name, 34)) + "</text>\n</g>\n";
    if (i + 1 < static_cast<int>(steps.size())) {
      svg += "<line x1=\"" + std::to_string(width / 2) + "\" y1=\"" + std::to_string(y + box_h) + "\" x2=\"" +
             std::to_string(width / 2) + "\" y2=\"" + std::to_string(y + box_h + gap - 2) +
             "\" stroke=\"#5f6368\" stroke-width=\"2\" marker-end=\"url(#arrow)\"/>\n";
    }
  }
  svg += "</svg>\n";
  return svg;
}

std::string multipart_body(std::string_view boundary, const std::vector<MimePart>& parts) {
  std::string out;
  for (const MimePart& part : parts) {
    out += "--";
    out += boundary;
    out += "\r\n";
    for (const auto& [name, value] : part.headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    out += part.body;
    out += "\r\n";
  }
  out += "--";
  out += boundary;
  out += "--\r\n";
  return out;
}

}  // namespace mcpedge::demo
