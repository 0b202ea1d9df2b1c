// The built-in sample REST API (a workflow-automation SaaS) behind `mcpedge demo` and the tests.
#pragma once

#include "http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace mcpedge::demo {

class Database;

// Who a request authenticated as; `GET /whoami` shows it so tests can prove which credential the
// upstream received.
struct Caller {
  enum class Kind { admin, end_user, service };
  Kind kind = Kind::admin;
  std::string api_key_id;  // end_user: the minted key's id
  std::string user_id;     // end_user: the key's user; service: X-Mcpedge-User
  std::string org_id;      // end_user: the key's org; service: X-Mcpedge-Org; may be empty
  std::string key_prefix;  // first 12 characters of the presented key
};

// "admin" | "end_user" | "service"
std::string_view to_string(Caller::Kind kind);

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
  // Needs a key as `X-API-Key: <key>` or `Authorization: Bearer <key>` (401 JSON otherwise): the
  // admin key above, or an end-user key minted with it (`POST /end_user_api_keys`) until that
  // expires or is deleted. The admin key with `X-Mcpedge-User` (and optionally `X-Mcpedge-Org`) is
  // the "service credential plus identity headers" caller.
  boost::asio::awaitable<http::Reply> handle(http::Incoming& in);

  // The caller of the most recent authenticated request (`GET /whoami/last` excepted), if any.
  std::optional<Caller> last_caller() const;

 private:
  SampleApi(std::unique_ptr<Database> db, std::string api_key, Clock clock);
  void remember(const Caller& caller);

  std::unique_ptr<Database> db_;
  std::string api_key_;
  Clock clock_;
  mutable std::mutex last_mutex_;
  std::optional<Caller> last_caller_;
};

}  // namespace mcpedge::demo
