// The Store on one SQLite file (WAL): a writing connection and a reading one, each on its own
// thread, awaited from any loop.
#pragma once

#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <type_traits>

namespace mcpedge::store::sqlite {

// Turns a failure on the database thread into the caller's StoreError, naming the operation.
StoreError to_store_error(const char* operation, const SqliteFailure& failure);
StoreError to_store_error(const char* operation, const std::exception& failure);

// The entry under `key`, for the operations that read it inside their own transaction.
std::optional<UpstreamCredential> find_upstream_credential(Connection& db, const std::string& key);

template <class T>
struct ResultOf {
  using type = T;
};
template <class T>
struct ResultOf<Result<T>> {
  using type = T;
};

class SqliteStore final : public Store {
 public:
  // Opens (creating) the file and applies the migrations, on the store's own thread; blocks the
  // caller, so call it at start-up. The directory must exist.
  static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& file);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  asio::awaitable<Result<Done>> save_consent(Consent consent) override;
  asio::awaitable<Result<std::optional<Consent>>> find_consent(std::string subject, std::string client_id) override;
  asio::awaitable<Result<std::vector<Consent>>> list_consents(std::string subject) override;
  asio::awaitable<Result<bool>> touch_consent(std::string subject, std::string client_id, UnixTime now) override;
  asio::awaitable<Result<bool>> delete_consent(std::string subject, std::string client_id) override;

  asio::awaitable<Result<bool>> mark_code_used(std::string code_hash, UnixTime expires_at, UnixTime now) override;

  asio::awaitable<Result<Done>> issue_refresh_token(RefreshTokenRecord record) override;
  asio::awaitable<Result<Refresh>> redeem_refresh_token(RefreshRequest request, UnixTime now) override;
  asio::awaitable<Result<bool>> revoke_refresh_family(std::string family_id) override;
  asio::awaitable<Result<std::int64_t>> revoke_grant(std::string subject, std::string client_id) override;
  asio::awaitable<Result<std::optional<RefreshToken>>> find_refresh_token(std::string token_hash) override;

  asio::awaitable<Result<Done>> record_grant(Grant grant) override;
  asio::awaitable<Result<std::vector<Grant>>> list_grants(std::string subject, std::string client_id,
                                                          UnixTime now) override;
  asio::awaitable<Result<std::int64_t>> forget_grants(std::string subject, std::string client_id) override;

  asio::awaitable<Result<Done>> put_upstream_credential(std::string key, std::string ciphertext,
                                                        UnixTime expires_at) override;
  asio::awaitable<Result<std::optional<UpstreamCredential>>> get_upstream_credential(std::string key) override;
  asio::awaitable<Result<bool>> remove_upstream_credential(std::string key) override;

  asio::awaitable<Result<Done>> revoke(RevocationKind kind, std::string id, UnixTime expires_at) override;
  asio::awaitable<Result<bool>> is_revoked(RevocationKind kind, std::string id) override;
  asio::awaitable<Result<std::vector<std::string>>> list_revoked(RevocationKind kind, UnixTime now) override;

  asio::awaitable<Result<Done>> create_personal_token(PersonalAccessToken token) override;
  asio::awaitable<Result<std::optional<PersonalAccessToken>>> find_personal_token_by_hash(
      std::string token_hash) override;
  asio::awaitable<Result<std::vector<PersonalAccessToken>>> list_personal_tokens(std::string subject) override;
  asio::awaitable<Result<bool>> revoke_personal_token(std::string id, std::string subject) override;
  asio::awaitable<Result<bool>> touch_personal_token(std::string id, UnixTime now) override;

  asio::awaitable<Result<Pruned>> prune_expired(UnixTime now) override;

 private:
  SqliteStore() = default;

  // One transaction shared by the operations that ran on the store's thread since the last
  // commit (group commit): synchronous=FULL makes every COMMIT an fsync, which capped /token
  // refreshes at one fsync each.
  struct Batch {
    bool open = true;
    std::optional<StoreError> failure;  // the COMMIT failed: every operation in it failed
  };
  // The open batch, beginning one if none is open (store thread only); null on failure.
  std::shared_ptr<Batch> join_batch(std::optional<StoreError>& failure);
  // Commits `batch` if it is still open (store thread only).
  void commit_batch(Batch& batch);

  // Runs a read-only fn on the reader connection, on its own thread, and resumes the caller with its
  // value at once. That connection sees only committed transactions (WAL snapshot), never the
  // writer's open batch, so a read can never return data that a failed COMMIT later takes back:
  // it needs not wait for one. A caller that awaited a write was resumed after its COMMIT, so its
  // later reads see it.
  template <class F, class R = typename ResultOf<std::invoke_result_t<F&, Connection&>>::type>
  asio::awaitable<Result<R>> read(const char* operation, F fn) {
    auto home = co_await asio::this_coro::executor;
    auto to_reader = asio::bind_executor(reader_pool_.get_executor(), asio::use_awaitable);
    co_await asio::post(to_reader);
    Result<R> result = invoke<R>(operation, fn, *reader_);
    auto to_home = asio::bind_executor(home, asio::use_awaitable);
    co_await asio::post(to_home);
    co_return result;
  }

  // fn(db) as a Result: SQLite failures and other exceptions become StoreErrors naming `operation`.
  template <class R, class F>
  static Result<R> invoke(const char* operation, F& fn, Connection& db) {
    try {
      return fn(db);
    } catch (const SqliteFailure& e) {
      return Unexpected{to_store_error(operation, e)};
    } catch (const std::exception& e) {
      return Unexpected{to_store_error(operation, e)};
    }
  }

  // Runs fn(Connection&) on the store's thread and resumes the caller on its own executor with
  // fn's value (fn may also return a Result of it) once it is durable. `operation` names it in
  // errors.
  template <class F, class R = typename ResultOf<std::invoke_result_t<F&, Connection&>>::type>
  asio::awaitable<Result<R>> run(const char* operation, F fn) {
    auto home = co_await asio::this_coro::executor;
    // A bare post(pool, use_awaitable) would resume on `home` (a completion runs on the token's
    // associated executor), so the token itself is bound to the pool, and then to home.
    auto to_pool = asio::bind_executor(pool_.get_executor(), asio::use_awaitable);
    co_await asio::post(to_pool);
    std::optional<Result<R>> result;
    std::optional<StoreError> failure;
    std::shared_ptr<Batch> batch = join_batch(failure);
    if (batch) {
      result.emplace(invoke<R>(operation, fn, *db_));
      // Queue behind every operation already waiting for the thread: they join this batch, and
      // the first of them to come back here commits it for all.
      co_await asio::post(to_pool);
      commit_batch(*batch);
      failure = batch->failure;
    }
    if (failure) result.emplace(Unexpected{std::move(*failure)});
    auto to_home = asio::bind_executor(home, asio::use_awaitable);
    co_await asio::post(to_home);
    co_return std::move(*result);
  }

  std::filesystem::path file_;
  std::unique_ptr<Connection> db_;
  std::unique_ptr<Connection> reader_;  // reader thread only; query_only
  std::shared_ptr<Batch> batch_;        // store thread only
  // Declared last: joined before the connections close.
  asio::thread_pool pool_{1};
  asio::thread_pool reader_pool_{1};
};

}  // namespace mcpedge::store::sqlite
