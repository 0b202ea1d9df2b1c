// SSE framing.
#include "http/sse_writer.hpp"

#include <gtest/gtest.h>

namespace mcpedge::http {
namespace {

TEST(SseFraming, OneDataLinePerLineOfPayload) {
  EXPECT_EQ(format_sse_event("{\"a\":1}", "", ""), "data: {\"a\":1}\n\n");
  EXPECT_EQ(format_sse_event("one\ntwo\r\nthree", "message", "s.1"),
            "event: message\nid: s.1\ndata: one\ndata: two\ndata: three\n\n");
}

TEST(SseFraming, EmptyPayloadStillCarriesADataLine) {
  EXPECT_EQ(format_sse_event("", "", "p.0"), "id: p.0\ndata: \n\n");
}

}  // namespace
}  // namespace mcpedge::http
