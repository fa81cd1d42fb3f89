#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "planner/planned_job.hpp"
#include "store/store.hpp"

namespace agent {

/// Receives the outcome of one submitted delivery, exactly once, on the committer's writer
/// thread: either `error` (a store_error) or the deployment ids in the order of the jobs.
/// Implementations must be quick and must not throw (post the work elsewhere).
class delivery_completion {
public:
    virtual ~delivery_completion() = default;
    virtual void complete(std::exception_ptr error, std::vector<std::int64_t> ids) = 0;
};

/// Receives the outcome of one submitted history write, exactly once, on the committer's writer
/// thread: either `error` or what the write did. Same rules as delivery_completion.
class write_completion {
  public:
    virtual ~write_completion() = default;
    virtual void complete(std::exception_ptr error, write_result result) = 0;
};

/// Counters since start (tests, bench and metrics).
struct group_commit_stats {
    std::uint64_t transactions = 0;  ///< batches committed (or attempted one by one after a failure)
    std::uint64_t deliveries = 0;    ///< deliveries recorded
    std::uint64_t writes = 0;        ///< history writes applied
    std::size_t largest_batch = 0;
};

/// Group commit for store::record_delivery: one writer thread takes every delivery queued while
/// the previous transaction was being made durable and records them all in ONE transaction (one
/// fsync), then completes each caller with its own ids. Throughput then grows with concurrency
/// instead of being capped at one fsync per delivery, with the same durability. If a batch
/// fails, its deliveries are retried one transaction each, so one bad delivery fails only itself.
///
/// Relaxed submissions (refused and ignored deliveries: nobody waits for them) are committed
/// without an fsync of their own and gathered for up to `relaxed_delay`, so a flood of
/// unauthenticated requests costs one WAL append per interval, not one fsync per burst. A
/// durable submission arriving meanwhile is committed at once, with them.
///
/// History writes (deployment states, step lines, recreate records, notification attempts,
/// retention) go through the same thread and share those transactions, each with the
/// durability promised_by() it, so that no write and no fsync happens on the io thread. They are
/// applied in the order submitted, after the batch's deliveries.
class group_committer {
public:
    /// Starts the writer thread. `db` must outlive this object. `max_batch` bounds how many
    /// deliveries share one transaction (and so the latency of the largest commit).
    explicit group_committer(store& db, std::size_t max_batch = 512,
                             std::chrono::milliseconds relaxed_delay = std::chrono::milliseconds(50));
    /// stop().
    ~group_committer();
    group_committer(const group_committer&) = delete;
    group_committer& operator=(const group_committer&) = delete;

    /// Queues one delivery with its jobs; `done` is called once, on the writer thread, when they
    /// are recorded as `d` promises, or have failed. After stop() it is completed at once with a
    /// store_error.
    void submit(delivery_record delivery, std::vector<planned_job> jobs,
                std::unique_ptr<delivery_completion> done, durability d = durability::durable);
    /// Queues one history write; `done` (which may be null: nobody waits, a failure is logged)
    /// is called once, on the writer thread, when it is recorded as promised_by() it, or has
    /// failed. After stop() it fails at once with a store_error.
    void submit(history_write write, std::unique_ptr<write_completion> done);
    /// Blocking face for threads: returns the deployment ids once durable; throws store_error.
    std::vector<std::int64_t> record_delivery(delivery_record delivery,
                                              std::vector<planned_job> jobs);
    /// Blocking face for threads: applies `write` after everything queued before it and returns
    /// once it is recorded as promised_by() it; throws store_error.
    write_result apply(history_write write);
    /// Records everything already queued, then ends the writer thread. Idempotent. Call it
    /// before destroying an io_context that still awaits record_delivery_async.
    void stop();
    group_commit_stats stats() const;
    /// Deliveries waiting for the next transaction (a gauge for metrics and tests).
    std::size_t queued() const;

private:
    struct pending {
        std::variant<delivery_submission, history_write> item;
        std::unique_ptr<delivery_completion> delivered;  // for a delivery
        std::unique_ptr<write_completion> written;       // for a write; may be null
        durability promised = durability::durable;
    };
    void enqueue(pending item);
    void run();
    void commit(std::vector<pending>& batch, durability d);
    bool record(std::span<pending> batch, durability d);

    store& db_;
    std::size_t max_batch_;
    std::chrono::milliseconds relaxed_delay_;
    mutable std::mutex mutex_;  // guards queue_, durable_queued_ and stopping_
    std::condition_variable wake_;
    std::deque<pending> queue_;
    std::size_t durable_queued_ = 0;
    bool stopping_ = false;
    std::atomic<std::uint64_t> transactions_{0};
    std::atomic<std::uint64_t> deliveries_{0};
    std::atomic<std::uint64_t> writes_{0};
    std::atomic<std::size_t> largest_batch_{0};
    std::mutex stop_mutex_;  // serializes stop() callers around join()
    std::thread writer_;
};

/// The coroutine face for the server: records `delivery` and its `jobs` through `committer`
/// (sharing a transaction with whatever else is queued) and resumes on the caller's executor
/// with the deployment ids once durable. Throws store_error when the transaction fails (disk
/// full, I/O error) or the committer is stopped.
boost::asio::awaitable<std::vector<std::int64_t>> record_delivery_async(
    group_committer& committer, delivery_record delivery, std::vector<planned_job> jobs);

/// The coroutine face for history writes: applies `write` through `committer` (sharing a
/// transaction with the deliveries and writes queued with it) and resumes on the caller's
/// executor once it is recorded as promised_by() it (a state change, a recreate step: durable).
/// Throws store_error when the transaction fails or the committer is stopped.
boost::asio::awaitable<write_result> record_history_async(group_committer& committer,
                                                          history_write write);

}  // namespace agent
