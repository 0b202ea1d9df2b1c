// The Store on one SQLite file (WAL): a writing connection and a reading one, each on its own
// thread, two threads that make committed writes durable and one that checkpoints (with a
// connection of its own); awaited from any loop.
#pragma once

#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <vector>

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

// Flushes a file descriptor to stable storage: 0, or the errno of the failure. fdatasync(2) unless
// a test puts something else in its place.
using SyncFile = std::function<int(int fd)>;
int fdatasync_file(int fd);

// When the WAL's pages are copied back into the database file (a checkpoint). Left to SQLite, the
// COMMIT that takes the WAL past 1,000 frames does it, syncing the WAL and the database file on the
// way, and every write queued behind that COMMIT waits: the /token p99 of bench/RESULTS.md. The
// store's checkpoint thread does it instead, on a connection of its own. Under writes that never
// pause it cannot reach the WAL's end (the writer appends while it copies), and SQLite starts the
// WAL over only once all of it is in the database file; so from `writer_frames` on, the writer
// copies the rest itself after its COMMIT, as SQLite would have, and the WAL stays bounded.
// A frame is a page (4 KiB) and its header: the WAL takes up to about 32 MiB (SQLite's own: 4 MiB).
struct CheckpointPolicy {
  int frames = 1000;         // the checkpoint thread starts from this many frames in the WAL
  int writer_frames = 8000;  // the writer checkpoints from this many
};

class SqliteStore final : public Store {
 public:
  // Opens (creating) the file and applies the migrations, on the store's own thread; blocks the
  // caller, so call it at start-up. The directory must exist.
  static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& file,
                                                   SyncFile sync_wal = fdatasync_file,
                                                   CheckpointPolicy checkpoints = {});
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
  asio::awaitable<Result<std::optional<RefreshToken>>> find_refresh_token(RefreshTokenRecord presented) override;

  asio::awaitable<Result<Done>> record_grant(Grant grant) override;
  asio::awaitable<Result<std::vector<Grant>>> list_grants(std::string subject, std::string client_id,
                                                          UnixTime now) override;
  asio::awaitable<Result<std::int64_t>> forget_grants(std::string subject, std::string client_id) override;

  asio::awaitable<Result<Done>> put_upstream_credential(std::string key, std::string ciphertext,
                                                        UnixTime expires_at) override;
  asio::awaitable<Result<std::optional<UpstreamCredential>>> get_upstream_credential(std::string key) override;
  asio::awaitable<Result<bool>> remove_upstream_credential(std::string key) override;

  asio::awaitable<Result<Done>> revoke(RevocationKind kind, std::string id, UnixTime expires_at) override;
  asio::awaitable<Result<std::vector<std::string>>> list_revoked(RevocationKind kind, UnixTime now) override;

  asio::awaitable<Result<Done>> create_personal_token(PersonalAccessToken token) override;
  asio::awaitable<Result<std::optional<PersonalAccessToken>>> find_personal_token_by_hash(
      std::string token_hash) override;
  asio::awaitable<Result<std::vector<PersonalAccessToken>>> list_personal_tokens(std::string subject) override;
  asio::awaitable<Result<bool>> revoke_personal_token(std::string id, std::string subject) override;
  asio::awaitable<Result<bool>> touch_personal_token(std::string id, UnixTime now) override;

  asio::awaitable<Result<Pruned>> prune_expired(UnixTime now) override;
  std::optional<StoreError> broken() const override;

  // Checkpoints that copied frames, by the thread that ran them (for tests).
  struct CheckpointCounts {
    std::uint64_t off_writer = 0;
    std::uint64_t by_writer = 0;
  };
  CheckpointCounts checkpoint_counts() const;

 private:
  SqliteStore() = default;

  // An operation that ran on the store's thread, waiting for its batch: resumed on its own executor
  // (never on a store thread) with the failure of the batch if any. The executor is kept beside the
  // handler because the type-erased handler's own executor cannot be posted to in Boost 1.81.
  struct Waiter {
    asio::any_io_executor home;
    asio::any_completion_handler<void(std::optional<StoreError>)> resume;
  };
  using Waiters = std::vector<Waiter>;

  // One transaction shared by the operations that ran on the store's thread since the last
  // commit (group commit), so that one COMMIT and one sync serve them all.
  struct Batch {
    std::uint64_t seq = 0;            // the batches are numbered in commit order
    std::int64_t changes_before = 0;  // the connection's total_changes when it began
    bool open = true;
    bool changed = false;               // it wrote something: it needs a sync
    std::optional<StoreError> failure;  // the COMMIT failed: every operation in it failed
    Waiters waiters;                    // its operations, each resumed once the batch is durable
  };
  // Operations waiting for the sync that makes batch `seq` durable.
  struct Pending {
    std::uint64_t seq = 0;
    Waiters waiters;
  };

  // The open batch, beginning one if none is open (store thread only); null on failure.
  std::shared_ptr<Batch> join_batch(std::optional<StoreError>& failure);
  // Suspends the calling operation until `batch` is committed and durable; its value is the failure
  // if either did not happen. The first operation to wait queues the batch's COMMIT on the store
  // thread, behind every operation already waiting for it: they join the batch (store thread only).
  auto until_durable(const std::shared_ptr<Batch>& batch) {
    auto wait = [this, batch](auto handler) {
      auto home = asio::get_associated_executor(handler);
      batch->waiters.push_back(Waiter{std::move(home), std::move(handler)});
      if (batch->waiters.size() == 1) asio::post(pool_, [this, batch] { finish_batch(*batch); });
    };
    return asio::async_initiate<const asio::use_awaitable_t<>, void(std::optional<StoreError>)>(wait,
                                                                                                asio::use_awaitable);
  }
  // Commits `batch` if it is still open (store thread only).
  void commit_batch(Batch& batch);
  // Commits `batch` and hands its operations to the syncs (store thread only). A batch that wrote
  // nothing has nothing of its own to sync, but what it read may be an earlier batch's writes whose
  // sync is still running: it waits until the last batch that wrote is durable.
  void finish_batch(Batch& batch);
  // Resumes `waiters` once every batch through `seq` is durable: at once if it is, else after the
  // sync that covers it, starting one if none running covers it and fewer than two run (a device
  // completes overlapping flushes about as fast as one). No thread waits for a sync it did not
  // start: a running sync that finds batches committed after it began syncs again.
  void when_durable(std::uint64_t seq, Waiters waiters);
  // A sync thread's loop: syncs the WAL, resumes what that made durable, and goes on while
  // something waits that no running sync covers. A failed sync is final: the page cache may have
  // dropped what it could not write, so every waiting and later write fails too, naming the cause.
  void sync_wal();
  static void resume(Waiters& waiters, const std::optional<StoreError>& failure);

  // The writer's WAL hook, after each COMMIT (store thread): starts a checkpoint on the checkpoint
  // thread, or runs one itself past CheckpointPolicy::writer_frames.
  void after_commit(int wal_frames);
  // The checkpoint thread's job; opens its connection the first time.
  void checkpoint_off_writer();

  // Runs a read-only fn on the reader connection, on its own thread, and resumes the caller with its
  // value at once. That connection sees committed transactions only (WAL snapshot), never the
  // writer's open batch; it may see a batch whose sync is still running, i.e. what a power cut in
  // the next milliseconds could take back, as every WAL reader may. A caller that awaited a write
  // was resumed after its sync, so its later reads see it.
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
  // errors. The caller holds no thread while its batch commits and syncs: the sync that makes the
  // batch durable posts every operation of it back to its executor.
  //
  // The writer runs with synchronous=NORMAL: COMMIT writes the WAL frames without syncing them,
  // and a sync thread then fdatasyncs the WAL while the writer already runs the next batch.
  // SQLite keeps the file consistent under NORMAL (a power cut loses a suffix of the commits, never
  // part of one); the caller is answered only once its batch is synced, so what it was told is as
  // durable as under synchronous=FULL, which blocked the writer for every sync.
  template <class F, class R = typename ResultOf<std::invoke_result_t<F&, Connection&>>::type>
  asio::awaitable<Result<R>> run(const char* operation, F fn) {
    // A bare post(pool, use_awaitable) would resume on the caller's executor (a completion runs on
    // the token's associated executor), so the token is bound to the pool.
    co_await asio::post(asio::bind_executor(pool_.get_executor(), asio::use_awaitable));
    std::optional<Result<R>> result;
    std::optional<StoreError> failure;
    if (std::shared_ptr<Batch> batch = join_batch(failure)) {
      result.emplace(invoke<R>(operation, fn, *db_));
      failure = co_await until_durable(batch);  // resumes on the caller's executor
    } else {
      co_await asio::post(asio::use_awaitable);  // back to the caller's executor
    }
    if (failure) result.emplace(Unexpected{std::move(*failure)});
    co_return std::move(*result);
  }

  std::filesystem::path file_;
  std::unique_ptr<Connection> db_;
  std::unique_ptr<Connection> reader_;        // reader thread only; query_only
  std::unique_ptr<Connection> checkpointer_;  // checkpoint thread only; opened by its first checkpoint
  CheckpointPolicy checkpoints_;
  std::atomic<bool> checkpointing_{false};  // a checkpoint is queued or running on the checkpoint thread
  int last_wal_frames_ = 0;                 // store thread only: the WAL's length after the last COMMIT
  int next_checkpoint_at_ = 0;              // store thread only: when the checkpoint thread starts again
  std::atomic<std::uint64_t> checkpoints_off_writer_{0};
  std::atomic<std::uint64_t> checkpoints_by_writer_{0};
  std::shared_ptr<Batch> batch_;    // store thread only
  std::uint64_t next_seq_ = 1;      // store thread only
  std::uint64_t last_written_ = 0;  // store thread only: the last batch that changed something
  // The last batch whose COMMIT returned: written by the store thread after the COMMIT's frames are
  // in the WAL, read by the sync thread before it syncs.
  std::atomic<std::uint64_t> committed_{0};
  SyncFile sync_wal_;
  int wal_fd_ = -1;  // the -wal file, opened for syncing only
  // The syncs' state, under sync_mutex_.
  static constexpr int k_sync_threads = 2;
  mutable std::mutex sync_mutex_;
  std::uint64_t synced_ = 0;           // every batch up to this one is durable
  std::uint64_t syncing_through_ = 0;  // the most a running (or finished) sync covers
  int running_syncs_ = 0;
  std::vector<Pending> pending_;  // waiting for a sync: one entry per finished batch
  std::optional<StoreError> sync_failure_;
  // Declared last: joined before the connections close.
  asio::thread_pool pool_{1};
  asio::thread_pool reader_pool_{1};
  asio::thread_pool sync_pool_{k_sync_threads};
  asio::thread_pool checkpoint_pool_{1};
};

}  // namespace mcpedge::store::sqlite
