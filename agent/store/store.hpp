#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/delivery_log.hpp"
#include "store/deployment_history.hpp"
#include "store/history_reader.hpp"
#include "store/history_write.hpp"
#include "store/records.hpp"
#include "store/recreate_log.hpp"

namespace agent {

struct store_options {
    std::string data_dir;  ///< the database is DATA_DIR/deploy-agent.db
    /// Step lines kept per deployment: the first half and the latest half; the lines in between
    /// are dropped and counted, and steps() shows one "... N lines omitted ..." line in the gap.
    std::size_t max_steps_per_deployment = 2000;
    /// Finished deployments and deliveries older than this are pruned; 0 keeps them forever.
    /// The newest deployment of each app is always kept (it is the app's "last deployment").
    std::chrono::hours retention{24 * 90};
    /// At most this many deliveries are kept by prune() (refused ones can arrive in floods).
    std::size_t max_deliveries = 100000;
    /// Replay keys kept for good (GitHub pushes) beyond which prune() drops the oldest.
    std::size_t max_replay_keys = 100000;
    /// Caps the database file's size (0 = no cap); beyond it writes fail as if the disk were full.
    std::uint64_t max_size_bytes = 0;
};

/// What record_batch() recorded, in the order it was given.
struct batch_result {
    std::vector<std::vector<std::int64_t>> ids;  ///< each delivery's deployment ids
    std::vector<write_result> writes;            ///< each history write's result
};

/// The durable record of deliveries, deployments and their step logs: SQLite in WAL mode with
/// synchronous=FULL, so a write is on disk when the call returns. Every member is thread-safe.
/// Writes go through one connection (serialized), reads through another, so that a reader never
/// waits for a writer's fsync. A write blocks its caller for its own transaction (one fsync) and
/// any write ahead of it: on an io_context, write through group_committer. Users take the
/// interface of their use: delivery_log, deployment_history, recreate_log, history_reader.
class store final : public delivery_log,
                    public deployment_history,
                    public recreate_log,
                    public history_reader {
  public:
    /// Opens DATA_DIR/deploy-agent.db, creating the directory and the file, switches to WAL and
    /// runs the schema migrations. Throws store_error naming the path and what to do when it
    /// cannot (directory not writable, filesystem without shared memory, newer schema, ...).
    static std::unique_ptr<store> open(const store_options& options);
    ~store() override;
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    /// The database file's path.
    const std::string& path() const;

    std::vector<std::int64_t> record_delivery(const delivery_record& delivery,
                                              const std::vector<planned_job>& jobs) override;
    std::vector<std::vector<std::int64_t>> record_deliveries(
        std::span<const delivery_submission> submissions,
        durability d = durability::durable) override;
    bool delivery_accepted(std::string_view id) override;
    std::vector<accepted_delivery> accepted_since(std::int64_t since_ms,
                                                  std::size_t limit) override;
    bool replay_seen(std::string_view replay_key, std::int64_t now_ms) override;

    /// Records `deliveries`, then applies `writes` in order, in ONE transaction with durability
    /// `d` (group commit). All or nothing: throws store_error (or std::invalid_argument, see
    /// deployment_history::apply) and records none on failure.
    batch_result record_batch(std::span<const delivery_submission> deliveries,
                              std::span<const history_write> writes, durability d);

    write_result apply(const history_write& write) override;
    std::vector<deployment_record> mark_interrupted(std::int64_t now_ms) override;

    void record_recreate_step(const recreate_progress& progress, std::int64_t now_ms) override;
    void clear_recreate(std::int64_t deployment_id) override;
    std::vector<recreate_progress> interrupted_recreates() override;

    std::vector<deployment_record> list_deployments(std::optional<std::string> app,
                                                    std::size_t limit) override;
    std::optional<deployment_record> get_deployment(std::int64_t id) override;
    std::vector<step_record> steps(std::int64_t id) override;
    std::optional<deployment_record> last_deployment(std::string_view app) override;
    std::vector<deployment_record> unfinished() override;
    std::optional<delivery_record> find_delivery(std::string_view id) override;
    std::vector<delivery_record> recent_deliveries(std::size_t limit) override;
    std::vector<notification_attempt> notification_attempts(std::int64_t deployment_id) override;

    /// Write transactions committed since open (tests and metrics: group commit batches).
    std::uint64_t transactions_committed() const;

    struct impl;

private:
    explicit store(std::unique_ptr<impl> state);
    std::unique_ptr<impl> impl_;
};

}  // namespace agent
