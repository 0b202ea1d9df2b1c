// Tests of the JSON-RPC 2.0 codec: envelope checks, error codes, compact serialization.
#include "mcp/jsonrpc.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace mcpedge::mcp {
namespace {

namespace json = boost::json;

Expected<Message, InvalidMessage> parse(std::string_view text) { return parse_message(json::parse(text)); }

TEST(ParseMessage, RequestCarriesIdMethodAndParams) {
  auto m = parse(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x"}})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, Message::Kind::request);
  EXPECT_EQ(m->id, 7);
  EXPECT_EQ(m->method, "tools/call");
  EXPECT_EQ(m->params, (json::object{{"name", "x"}}));
}

TEST(ParseMessage, StringIdIsKept) {
  auto m = parse(R"({"jsonrpc":"2.0","id":"req-1","method":"ping"})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, "req-1");
  EXPECT_TRUE(m->params.empty());
}

TEST(ParseMessage, MessageWithoutIdIsANotification) {
  auto m = parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, Message::Kind::notification);
  EXPECT_TRUE(m->id.is_null());
}

TEST(ParseMessage, ResultOrErrorWithIdIsAResponse) {
  auto result = parse(R"({"jsonrpc":"2.0","id":3,"result":{}})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->kind, Message::Kind::response);
  EXPECT_EQ(result->id, 3);
  auto error = parse(R"({"jsonrpc":"2.0","id":"a","error":{"code":-1,"message":"no"}})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, Message::Kind::response);
}

TEST(ParseMessage, WrongVersionIsInvalidRequestAndKeepsTheId) {
  auto m = parse(R"({"jsonrpc":"1.0","id":9,"method":"ping"})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().error.code, k_invalid_request);
  EXPECT_EQ(m.error().id, 9);
  auto missing = parse(R"({"id":"x","method":"ping"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().error.code, k_invalid_request);
  EXPECT_EQ(missing.error().id, "x");
}

TEST(ParseMessage, NullIdIsInvalidRequest) {
  auto m = parse(R"({"jsonrpc":"2.0","id":null,"method":"ping"})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().error.code, k_invalid_request);
  EXPECT_TRUE(m.error().id.is_null());
  EXPECT_NE(m.error().error.message.find("\"id\""), std::string::npos);
}

TEST(ParseMessage, FractionalIdIsInvalidRequest) {
  auto m = parse(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().error.code, k_invalid_request);
  EXPECT_TRUE(m.error().id.is_null());
}

TEST(ParseMessage, ParamsArrayIsInvalidParamsWithTheId) {
  auto m = parse(R"({"jsonrpc":"2.0","id":4,"method":"tools/list","params":[1]})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().error.code, k_invalid_params);
  EXPECT_EQ(m.error().id, 4);
}

TEST(ParseMessage, MissingMethodIsInvalidRequestWithTheId) {
  auto m = parse(R"({"jsonrpc":"2.0","id":5})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().error.code, k_invalid_request);
  EXPECT_EQ(m.error().id, 5);
  auto empty = parse(R"({"jsonrpc":"2.0","id":6,"method":""})");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().error.code, k_invalid_request);
  EXPECT_EQ(empty.error().id, 6);
}

TEST(ParseMessage, NonObjectIsInvalidRequest) {
  auto m = parse(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().error.code, k_invalid_request);
  EXPECT_TRUE(m.error().id.is_null());
}

TEST(Serialization, ResultTextIsCompactJsonRpc) {
  EXPECT_EQ(result_text(json::value(1), json::object{{"a", 1}}), R"({"jsonrpc":"2.0","id":1,"result":{"a":1}})");
  EXPECT_EQ(result_text(json::value("x"), std::string_view("{}")), R"({"jsonrpc":"2.0","id":"x","result":{}})");
}

TEST(Serialization, ErrorTextHasCodeMessageAndDataWhenGiven) {
  EXPECT_EQ(error_text(json::value(2), RpcError{k_method_not_found, "no such method", std::nullopt}),
            R"({"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"no such method"}})");
  EXPECT_EQ(
      error_text(nullptr, RpcError{k_unsupported_version, "v", json::object{{"supported", json::array{"2026-07-28"}}}}),
      R"({"jsonrpc":"2.0","id":null,"error":{"code":-32022,"message":"v","data":{"supported":["2026-07-28"]}}})");
}

TEST(Serialization, NotificationTextHasNoId) {
  EXPECT_EQ(notification_text("notifications/message", json::object{{"level", "info"}}),
            R"({"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info"}})");
}

}  // namespace
}  // namespace mcpedge::mcp
