// Test fixture: a SampleApi in a fresh temp dir with a fake clock, called through SampleApi::handle.
#pragma once

#include "../temp_dir.hpp"

#include "demo/sample_api.hpp"
#include "http/server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace mcpedge::demo::testing {

namespace json = boost::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

// Runs `handle` (a demo handler: Incoming& -> awaitable<Reply>) on one request, on the worker's loop,
// with the path and query views the server makes: into the request's own target, not NUL-terminated,
// and a default-constructed query view when there is none.
template <class Handle>
http::Reply run_request(http::Worker& worker, http::Request& req, Handle&& handle) {
  const std::string_view view = req.target();
  const auto q = view.find('?');
  http::Incoming in{
      req, {}, worker, view.substr(0, q), q == std::string_view::npos ? std::string_view() : view.substr(q + 1)};
  worker.loop().restart();
  auto done = boost::asio::co_spawn(worker.loop(), handle(in), boost::asio::use_future);
  worker.loop().run();
  return done.get();
}

struct TestReply {
  unsigned status = 0;
  http::Response head;
  std::string body() const { return head.body(); }
  std::string content_type() const { return std::string(head[http::Field::content_type]); }
  std::string header(std::string_view name) const { return std::string(head[name]); }
  json::value json() const { return json::parse(head.body()); }
  json::object object() const { return json().as_object(); }
  std::string error() const { return std::string(object().at("error").as_string()); }
};

// A fresh directory per test, named after this layer.
class TempDir : public mcpedge::testing::TempDir {
 public:
  TempDir() : mcpedge::testing::TempDir("mcpedge-demo-test-") {}
};

class SampleApiTest : public ::testing::Test {
 protected:
  // 2025-07-01T00:00:00Z: after every seeded record.
  static constexpr std::int64_t k_start_ms = 1751328000000;

  void SetUp() override { api_ = open_api(); }

  std::shared_ptr<SampleApi> open_api() {
    auto now = now_ms_;
    return SampleApi::open(dir_.path() / "data", [now] {
      return std::chrono::system_clock::time_point(std::chrono::milliseconds(now->load()));
    });
  }

  void advance(std::chrono::milliseconds by) { *now_ms_ += by.count(); }

  Headers auth() const { return {{"X-API-Key", api_->api_key()}}; }

  TestReply call(http::Verb method, const std::string& target, const std::string& body = "") {
    return call_with(method, target, auth(), body);
  }
  TestReply get(const std::string& target) { return call(http::Verb::get, target); }
  TestReply post(const std::string& target, const std::string& body = "") {
    return call(http::Verb::post, target, body);
  }
  TestReply patch(const std::string& target, const std::string& body) { return call(http::Verb::patch, target, body); }

  TestReply call_with(http::Verb method, const std::string& target, const Headers& headers,
                      const std::string& body = "") {
    const std::string full = std::string(SampleApi::k_prefix) + target;
    http::Request req{method, full, 11};
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty()) req.set(http::Field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::Reply reply = run_request(worker_, req, [this](http::Incoming& in) { return api_->handle(in); });
    EXPECT_FALSE(reply.stream) << "the sample API never streams";
    TestReply out;
    out.status = static_cast<unsigned>(reply.head.result_int());
    out.head = std::move(reply.head);
    return out;
  }

  TempDir dir_;
  std::shared_ptr<std::atomic<std::int64_t>> now_ms_ = std::make_shared<std::atomic<std::int64_t>>(k_start_ms);
  http::ServerLimits limits_;
  http::Worker worker_{0, limits_};
  std::shared_ptr<SampleApi> api_;
};

}  // namespace mcpedge::demo::testing
