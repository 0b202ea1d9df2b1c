// Opening the SQLite store, mapping SQLite failures to StoreError, and pruning what expired.
#include "store/sqlite/sqlite_store.hpp"

#include "store/sqlite/migrations.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/append.hpp>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>

namespace mcpedge::store::sqlite {

namespace {

StoreError::Code classify(int sqlite_code) {
  switch (sqlite_code) {
    case SQLITE_CONSTRAINT:
      return StoreError::Code::conflict;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StoreError::Code::corrupt;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
    case SQLITE_NOMEM:
      return StoreError::Code::unavailable;
    default:
      return StoreError::Code::internal;
  }
}

}  // namespace

StoreError to_store_error(const char* operation, const SqliteFailure& failure) {
  return StoreError{classify(failure.code()), std::string("store: ") + operation + ": " + failure.what()};
}

StoreError to_store_error(const char* operation, const std::exception& failure) {
  return StoreError{StoreError::Code::internal, std::string("store: ") + operation + ": " + failure.what()};
}

int fdatasync_file(int fd) { return ::fdatasync(fd) == 0 ? 0 : errno; }

std::shared_ptr<SqliteStore::Batch> SqliteStore::join_batch(std::optional<StoreError>& failure) {
  if (batch_ && db_->in_transaction()) return batch_;
  if (batch_) {
    // SQLite rolled the transaction back itself (SQLITE_FULL, SQLITE_IOERR, ...): what ran in it is gone.
    batch_->open = false;
    batch_->failure = StoreError{StoreError::Code::unavailable, "store: the transaction was rolled back by SQLite"};
    batch_.reset();
  }
  try {
    db_->step("BEGIN IMMEDIATE");
  } catch (const SqliteFailure& e) {
    failure = to_store_error("begin", e);
    return nullptr;
  }
  batch_ = std::make_shared<Batch>();
  batch_->seq = next_seq_++;
  batch_->changes_before = db_->total_changes();
  return batch_;
}

void SqliteStore::commit_batch(Batch& batch) {
  if (!batch.open) return;
  batch.open = false;
  batch_.reset();
  try {
    db_->step("COMMIT");
  } catch (const SqliteFailure& e) {
    batch.failure = to_store_error("commit", e);
    db_->rollback();
    return;
  }
  batch.changed = db_->total_changes() != batch.changes_before;
  // Release: the frames this COMMIT wrote are in the WAL before the sync thread can read the number.
  committed_.store(batch.seq, std::memory_order_release);
}

void SqliteStore::finish_batch(Batch& batch) {
  commit_batch(batch);
  if (batch.failure) {
    resume(batch.waiters, batch.failure);
    return;
  }
  if (batch.changed) last_written_ = batch.seq;
  when_durable(last_written_, std::move(batch.waiters));
}

void SqliteStore::when_durable(std::uint64_t seq, Waiters waiters) {
  std::unique_lock lock(sync_mutex_);
  if (synced_ >= seq) {
    lock.unlock();
    resume(waiters, std::nullopt);
    return;
  }
  if (sync_failure_) {
    const auto failure = sync_failure_;
    lock.unlock();
    resume(waiters, failure);
    return;
  }
  pending_.push_back(Pending{seq, std::move(waiters)});
  if (seq <= syncing_through_ || running_syncs_ == k_sync_threads) return;
  ++running_syncs_;
  lock.unlock();
  asio::post(sync_pool_, [this] { sync_wal(); });
}

void SqliteStore::sync_wal() {
  std::unique_lock lock(sync_mutex_);
  for (;;) {
    // Acquire: the frames of every batch up to `through` are in the WAL before it is synced.
    const std::uint64_t through = committed_.load(std::memory_order_acquire);
    syncing_through_ = std::max(syncing_through_, through);
    lock.unlock();
    const int error = sync_wal_(wal_fd_);
    lock.lock();
    if (error != 0 && !sync_failure_) {
      sync_failure_ = StoreError{StoreError::Code::unavailable,
                                 "store: syncing " + file_.string() + "-wal failed (" + std::strerror(error) +
                                     "): the last writes may not be on disk; no more writes are taken until "
                                     "mcpedge restarts"};
    }
    if (error == 0) synced_ = std::max(synced_, through);
    // What this sync made durable (everything waiting, after a failure), and whether anything left
    // waits for batches no running sync covers.
    std::vector<Pending> done;
    std::uint64_t uncovered = 0;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (sync_failure_ || it->seq <= synced_) {
        done.push_back(std::move(*it));
        it = pending_.erase(it);
      } else {
        uncovered = std::max(uncovered, it->seq);
        ++it;
      }
    }
    const bool again = uncovered > syncing_through_;
    if (!again) --running_syncs_;
    const auto failure = sync_failure_;
    lock.unlock();
    for (auto& entry : done) resume(entry.waiters, failure);
    if (!again) return;
    lock.lock();
  }
}

void SqliteStore::resume(Waiters& waiters, const std::optional<StoreError>& failure) {
  for (auto& waiter : waiters) asio::post(waiter.home, asio::append(std::move(waiter.resume), failure));
  waiters.clear();
}

void SqliteStore::after_commit(int wal_frames) {
  if (wal_frames < last_wal_frames_) next_checkpoint_at_ = checkpoints_.frames;  // the WAL started over
  last_wal_frames_ = wal_frames;
  if (wal_frames < checkpoints_.frames) return;
  if (wal_frames < checkpoints_.writer_frames) {
    // One pass per `frames` new frames (a page written many times in between is copied once, and
    // each pass costs two syncs), then passes back to back over the last `frames` before
    // writer_frames, so that the writer finds little left to copy.
    const bool closing_in = wal_frames >= checkpoints_.writer_frames - checkpoints_.frames;
    if ((wal_frames < next_checkpoint_at_ && !closing_in) || checkpointing_.exchange(true)) return;
    next_checkpoint_at_ = wal_frames + checkpoints_.frames;
    asio::post(checkpoint_pool_, [this] { checkpoint_off_writer(); });
    return;
  }
  // The checkpoint thread cannot reach the end of a WAL that grows while it copies: copy the rest
  // here, where nothing appends meanwhile, and the next BEGIN starts the WAL over. A checkpoint still
  // running there makes this one a no-op; the next COMMIT tries again, and the thread starts no new
  // one while the WAL is this long.
  try {
    if (const auto done = db_->checkpoint(); done.ran && done.copied > 0)
      checkpoints_by_writer_.fetch_add(1, std::memory_order_relaxed);
  } catch (const SqliteFailure& e) {
    spdlog::warn("store: checkpoint of {} after a commit failed: {}", file_.string(), e.what());
  }
}

void SqliteStore::checkpoint_off_writer() {
  try {
    if (!checkpointer_) checkpointer_ = std::make_unique<Connection>(file_);
    if (const auto done = checkpointer_->checkpoint(); done.ran && done.copied > 0)
      checkpoints_off_writer_.fetch_add(1, std::memory_order_relaxed);
  } catch (const std::exception& e) {
    // Nothing is lost: the frames stay in the WAL, and the writer copies them past writer_frames.
    // Nothing may escape either: it would end the pool's thread, and the process with it.
    spdlog::warn("store: checkpoint of {} failed: {}", file_.string(), e.what());
  }
  checkpointing_.store(false);
}

SqliteStore::CheckpointCounts SqliteStore::checkpoint_counts() const {
  return CheckpointCounts{checkpoints_off_writer_.load(std::memory_order_relaxed),
                          checkpoints_by_writer_.load(std::memory_order_relaxed)};
}

std::optional<StoreError> SqliteStore::broken() const {
  std::lock_guard lock(sync_mutex_);
  return sync_failure_;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& file, SyncFile sync_wal,
                                                       CheckpointPolicy checkpoints) {
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  store->file_ = file;
  store->sync_wal_ = std::move(sync_wal);
  store->checkpoints_ = checkpoints;
  store->next_checkpoint_at_ = checkpoints.frames;
  // The connection is opened, migrated and used on the pool thread only.
  std::promise<Result<Done>> opened;
  auto ready = opened.get_future();
  SqliteStore* self = store.get();
  auto open_on_pool = [self, &opened] {
    try {
      self->db_ = std::make_unique<Connection>(self->file_);
    } catch (const SqliteFailure& e) {
      opened.set_value(Unexpected{StoreError{classify(e.code()), e.what()}});
      return;
    }
    auto migrated = migrate(*self->db_, schema_migrations());
    if (migrated) {
      // Opened once the schema is current, so that it never reads an older one.
      try {
        self->reader_ = std::make_unique<Connection>(self->file_);
        self->reader_->exec("PRAGMA query_only=ON");  // a write sent there by mistake fails, loudly
        // The sync thread syncs the WAL (see run()). The file exists: the connections opened it.
        // SQLite never deletes it while they are open, so the descriptor stays on the live file.
        const std::string wal = self->file_.string() + "-wal";
        self->wal_fd_ = ::open(wal.c_str(), O_RDONLY | O_CLOEXEC);
        if (self->wal_fd_ < 0)
          throw SqliteFailure(SQLITE_CANTOPEN, "cannot open " + wal + " to sync it: " + std::strerror(errno));
        self->db_->exec("PRAGMA synchronous=NORMAL");
        self->db_->on_wal_commit([self](int wal_frames) { self->after_commit(wal_frames); });
      } catch (const SqliteFailure& e) {
        migrated = Unexpected{StoreError{classify(e.code()), e.what()}};
      }
    }
    opened.set_value(std::move(migrated));
  };
  asio::post(store->pool_, open_on_pool);
  auto result = ready.get();
  if (!result) {
    StoreError error = std::move(result.error());
    error.message = "store: " + file.string() + ": " + error.message;
    return Unexpected{std::move(error)};
  }
  return store;
}

SqliteStore::~SqliteStore() {
  // Let queued operations finish (a write goes on to the sync thread and may start a checkpoint);
  // afterwards no other thread touches the connections.
  pool_.join();
  checkpoint_pool_.join();
  sync_pool_.join();
  reader_pool_.join();
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

asio::awaitable<Result<Pruned>> SqliteStore::prune_expired(UnixTime now) {
  auto fn = [now](Connection& db) {
    auto prune = [&] {
      auto remove = [&](const char* sql) {
        auto statement = db.prepare(sql);
        statement.bind_all(now);
        statement.run();
        return db.changes();
      };
      Pruned pruned;
      pruned.used_codes = remove("DELETE FROM used_codes WHERE expires_at <= ?1");
      pruned.revocations = remove("DELETE FROM revocations WHERE expires_at <= ?1");
      pruned.upstream_credentials = remove("DELETE FROM upstream_credentials WHERE expires_at <= ?1");
      pruned.refresh_tokens = remove("DELETE FROM refresh_tokens WHERE expires_at <= ?1");
      pruned.grants = remove("DELETE FROM grants WHERE expires_at <= ?1");
      // A family whose current token has expired can no longer be used (its older tokens expire no
      // later); random token rows of it still there are found by nobody and expire in turn.
      pruned.refresh_families = remove("DELETE FROM refresh_families WHERE expires_at <= ?1");
      return pruned;
    };
    return db.transaction(prune);
  };
  co_return co_await run("prune expired entries", fn);
}

}  // namespace mcpedge::store::sqlite
