// Media: WAV headers, SVG diagrams and multipart bodies built by hand.
#include "demo/media.hpp"

#include <gtest/gtest.h>

namespace mcpedge::demo {
namespace {

TEST(WavSilence, HeaderDescribesEightBitMonoPcm) {
  const std::string wav = wav_silence(std::chrono::milliseconds(250), 8000);
  ASSERT_EQ(wav.size(), 44u + 2000u);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(wav.substr(12, 4), "fmt ");
  EXPECT_EQ(wav[20], 1) << "PCM";
  EXPECT_EQ(wav[22], 1) << "mono";
  EXPECT_EQ(wav[34], 8) << "8 bits per sample";
  EXPECT_EQ(wav.substr(36, 4), "data");
  EXPECT_EQ(static_cast<unsigned char>(wav[44]), 0x80u) << "silence is the midpoint";
}

TEST(WorkflowSvg, EscapesNamesAndDrawsOneBoxPerStep) {
  const std::string svg = workflow_svg(
      "Ops <alerts> & \"more\"", {{"Check a < b", "condition"}, {"Send", "send_email"}, {"Done", "update_record"}});
  EXPECT_NE(svg.find("Ops &lt;alerts&gt; &amp; &quot;more&quot;"), std::string::npos);
  EXPECT_NE(svg.find("Check a &lt; b"), std::string::npos);
  EXPECT_EQ(svg.find("a < b"), std::string::npos);
  std::size_t boxes = 0;
  for (std::size_t at = svg.find("<rect x="); at != std::string::npos; at = svg.find("<rect x=", at + 1)) ++boxes;
  EXPECT_EQ(boxes, 3u);
  std::size_t arrows = 0;
  for (std::size_t at = svg.find("<line "); at != std::string::npos; at = svg.find("<line ", at + 1)) ++arrows;
  EXPECT_EQ(arrows, 2u);
}

TEST(WorkflowSvg, EmptyWorkflowSaysSo) { EXPECT_NE(workflow_svg("Empty", {}).find("No steps yet"), std::string::npos); }

TEST(WorkflowSvg, ShortensLongNamesOnAUtf8Boundary) {
  const std::string name(33, 'a');
  const std::string svg = workflow_svg("t", {{name + "\xc3\xa9\xc3\xa9\xc3\xa9", "delay"}});
  EXPECT_NE(svg.find(name + "\xe2\x80\xa6"), std::string::npos);
}

TEST(MultipartBody, UsesCrlfAndAClosingDelimiter) {
  const std::string body = multipart_body("b", {{{{"Content-Type", "text/plain"}}, "hi"}, {{}, "x"}});
  EXPECT_EQ(body, "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n\r\nx\r\n--b--\r\n");
}

}  // namespace
}  // namespace mcpedge::demo
