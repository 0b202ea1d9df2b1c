// The built-in sample REST API (a workflow-automation SaaS) behind `mcpedge demo` and the tests.
#pragma once

#include "http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mcpedge::demo {

class Database;

class SampleApi {
 public:
  // Wall-clock time; tests pass a fake one to move executions along without sleeping.
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // Opens DIR/sample-api.db, creating DIR, the schema, the seed data and the API key on first
  // use; later opens keep both the key and the data. Throws std::runtime_error saying what failed.
  static std::shared_ptr<SampleApi> open(const std::filesystem::path& data_dir, Clock clock = {});
  ~SampleApi();
  SampleApi(const SampleApi&) = delete;
  SampleApi& operator=(const SampleApi&) = delete;

  // "wf_demo_" + 32 base64url characters.
  const std::string& api_key() const { return api_key_; }

  static constexpr std::string_view k_prefix = "/demo-api/v1";

  // Serves every path under k_prefix; safe to call from any number of event loops at once.
  // Needs the key as `X-API-Key: <key>` or `Authorization: Bearer <key>` (401 JSON otherwise).
  boost::asio::awaitable<http::Reply> handle(http::Incoming& in);

 private:
  SampleApi(std::unique_ptr<Database> db, std::string api_key, Clock clock);

  std::unique_ptr<Database> db_;
  std::string api_key_;
  Clock clock_;
};

}  // namespace mcpedge::demo
