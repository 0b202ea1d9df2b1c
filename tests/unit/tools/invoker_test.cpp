// Tests of invoke(): argument checks, and one call through a real socket to a canned upstream.
#include "tools/invoker.hpp"

#include "yaml_config.hpp"

#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <boost/json.hpp>

#include <future>
#include <thread>

namespace mcpedge::tools {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// Accepts one connection, records the request head and body, answers with `response`.
class CannedUpstream {
 public:
  explicit CannedUpstream(std::string response) : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this, response = std::move(response)] {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return promise_.set_value({});
      std::string data;
      asio::read_until(socket, asio::dynamic_buffer(data), "\r\n\r\n", ec);
      auto head_end = data.find("\r\n\r\n") + 4;
      std::size_t length = 0;
      if (auto cl = data.find("Content-Length: "); cl != std::string::npos && cl < head_end) {
        length = std::stoul(data.substr(cl + 16));
      }
      if (data.size() < head_end + length) {
        asio::read(socket, asio::dynamic_buffer(data), asio::transfer_exactly(head_end + length - data.size()), ec);
      }
      asio::write(socket, asio::buffer(response), ec);
      socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      promise_.set_value(data);
    });
  }
  ~CannedUpstream() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  unsigned short port() const { return port_; }
  std::string received() { return promise_.get_future().get(); }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::promise<std::string> promise_;
  std::thread thread_;
};

std::string config_yaml(const std::string& base_url, bool allow_argument) {
  return "upstream:\n  base_url: " + base_url + "\n  timeout_ms: 3000\n  connect_timeout_ms: 1000\n" +
         "  credential: { allow_argument: " + (allow_argument ? "true" : "false") + " }\n" + R"(tools:
  - name: get_item
    description: Returns one item.
    input_schema:
      properties:
        id: { type: string }
        limit: { type: integer, minimum: 1 }
      required: [id]
    http: { path: "/items/{id}" }
)";
}

json::object run_invoke(const Catalog& catalog, const json::object& arguments, std::string_view credential,
                        Revision revision = Revision::v2025_06_18) {
  asio::io_context loop;
  http::HttpClient client(loop);
  const std::vector<std::pair<std::string, std::string>> no_identity;
  CallContext context{client, credential, revision, no_identity};
  const Tool& tool = *catalog.find("get_item");
  auto future = asio::co_spawn(loop, invoke(catalog, tool, arguments, context), asio::use_future);
  loop.run();
  return future.get();
}

std::string first_text(const json::object& result) {
  return std::string(result.at("content").as_array().at(0).as_object().at("text").as_string());
}

TEST(CheckArguments, NamesTheViolatedProperty) {
  auto catalog = testing::catalog_from(config_yaml("http://127.0.0.1:1", false));
  ASSERT_TRUE(catalog);
  const Tool& tool = *catalog->find("get_item");
  EXPECT_TRUE(check_arguments(tool, json::object{{"id", "a"}}).empty());
  auto problems = check_arguments(tool, json::object{{"id", "a"}, {"limit", 0}});
  ASSERT_FALSE(problems.empty());
  EXPECT_TRUE(problems[0].starts_with("at /limit:")) << problems[0];
}

TEST(Invoke, UnreachableUpstreamIsAnErrorResultNamingTheCall) {
  auto catalog = testing::catalog_from(config_yaml("http://127.0.0.1:1", false));
  ASSERT_TRUE(catalog);
  auto result = run_invoke(*catalog, json::object{{"id", "a"}}, "");
  EXPECT_EQ(result.at("isError"), true);
  std::string text = first_text(result);
  EXPECT_NE(text.find("Calling the API failed for GET /items/a"), std::string::npos) << text;
  EXPECT_NE(text.find("upstream.base_url"), std::string::npos) << text;
}

TEST(Invoke, BindingErrorIsAnErrorResultNamingTheTool) {
  auto catalog = testing::catalog_from(config_yaml("http://127.0.0.1:1", false));
  ASSERT_TRUE(catalog);
  auto result = run_invoke(*catalog, json::object{{"id", ".."}}, "");
  EXPECT_EQ(result.at("isError"), true);
  EXPECT_EQ(first_text(result), "tool \"get_item\": path parameter \"id\" must not be \"..\"");
}

TEST(Invoke, SendsTheArgumentCredentialAsHeaderAndMapsTheJsonReply) {
  CannedUpstream upstream(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n"
      "{\"id\":\"a b\"}\n");
  auto catalog =
      testing::catalog_from(config_yaml("http://127.0.0.1:" + std::to_string(upstream.port()) + "/v1", true));
  ASSERT_TRUE(catalog);
  auto result = run_invoke(*catalog, json::object{{"id", "a b"}, {"limit", 2}, {"_api_key", "sk_arg"}}, "sk_request");
  std::string request = upstream.received();
  EXPECT_TRUE(request.starts_with("GET /v1/items/a%20b?limit=2 HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("\r\nX-API-Key: sk_arg\r\n"), std::string::npos) << request;
  EXPECT_EQ(request.find("sk_request"), std::string::npos) << request;
  EXPECT_EQ(result.at("isError"), false) << json::serialize(result);
  EXPECT_EQ(result.at("structuredContent"), json::parse(R"({"id":"a b"})"));
}

TEST(Invoke, SendsAJwtShapedRequestCredentialAsBearer) {
  CannedUpstream upstream("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  auto catalog = testing::catalog_from(config_yaml("http://127.0.0.1:" + std::to_string(upstream.port()), false));
  ASSERT_TRUE(catalog);
  auto result = run_invoke(*catalog, json::object{{"id", "x"}, {"_api_key", "sk_arg"}}, "aaa.bbb.ccc");
  std::string request = upstream.received();
  EXPECT_NE(request.find("\r\nAuthorization: Bearer aaa.bbb.ccc\r\n"), std::string::npos) << request;
  EXPECT_EQ(request.find("sk_arg"), std::string::npos) << request;
  EXPECT_EQ(result.at("isError"), false) << json::serialize(result);
}

}  // namespace
}  // namespace mcpedge::tools
