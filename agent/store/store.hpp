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

#include "planner/planned_job.hpp"

namespace agent {

/// queued → running → succeeded | failed | rolled_back; queued → superseded (ARCHITECTURE.md).
enum class deployment_state { queued, running, succeeded, failed, rolled_back, superseded };

/// "queued", "running", "succeeded", "failed", "rolled_back", "superseded".
std::string_view to_string(deployment_state state);
/// The state named `text` (exact, lower case), or nullopt.
std::optional<deployment_state> parse_deployment_state(std::string_view text);
/// True for the states a deployment never leaves (all but queued and running).
bool is_terminal(deployment_state state);

/// One webhook or manual request as received, whatever became of it.
struct delivery_record {
    std::string id;       ///< X-GitHub-Delivery or a generated id; the store generates one if empty
    std::string source;   ///< "github" | "infisical" | "api" | "cli"
    std::string event;    ///< "push", "ping", "secrets.modified", "deploy", ...
    std::string verdict;  ///< "accepted" | "ignored" | "refused" | "duplicate"
    std::string reason;   ///< why, in a few words (never a secret or a signature)
    std::int64_t received_at_ms = 0;
    /// What makes a later delivery a replay of this one (intake's replay key, never a secret or
    /// a signature), or empty. Recorded with the delivery, in the same transaction.
    std::string replay_key{};
    /// Until when the replay key counts (Unix ms); 0: for good (within max_replay_keys).
    std::int64_t replay_expires_at_ms{};
};

/// One deployment of one app. Times are Unix milliseconds; 0 means "not yet".
struct deployment_record {
    std::int64_t id = 0;
    std::string app;
    std::string action;       ///< planned_job::action: "deploy" | "restart"
    std::string trigger;      ///< "github" | "infisical" | "api" | "cli"
    std::string delivery_id;  ///< the delivery that asked for it
    std::string commit;       ///< may be empty
    bool force = false;
    std::string old_image;    ///< set when it starts running
    std::string new_image;    ///< set when it finishes
    deployment_state state = deployment_state::queued;
    std::int64_t created_at_ms = 0;
    std::int64_t started_at_ms = 0;
    std::int64_t finished_at_ms = 0;
    std::string error;              ///< empty unless failed, rolled_back, superseded or interrupted
    std::int64_t superseded_by = 0; ///< the deployment that replaced this one, when superseded
};

/// One line of a deployment's step log.
struct step_record {
    std::int64_t at_ms = 0;
    std::string message;
};

/// What a commit promises once it returns. `durable`: on disk (fsync), as an accepted delivery
/// must be before it is answered. `relaxed`: written to the WAL without an fsync of its own;
/// consistent after a crash, and made durable by the next durable commit or checkpoint; a power
/// cut may lose it. For records nobody waits on: refused and ignored deliveries, step lines.
enum class durability { durable, relaxed };

/// One delivery with the jobs planned for it, as recorded together.
struct delivery_submission {
    delivery_record delivery;
    std::vector<planned_job> jobs;
};

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

/// The one error type of the store: the message names the database path, what failed and, when
/// there is one, what the operator can do about it.
class store_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The durable record of deliveries, deployments and their step logs: SQLite in WAL mode with
/// synchronous=FULL, so a write is on disk when the call returns. Every member is thread-safe.
/// Writes go through one connection (serialized), reads through another, so that a reader never
/// waits for a writer's fsync. A write blocks its caller for its own transaction (one fsync) and
/// any write ahead of it; on an io_context record deliveries through group_committer.
class store {
public:
    /// Opens DATA_DIR/deploy-agent.db, creating the directory and the file, switches to WAL and
    /// runs the schema migrations. Throws store_error naming the path and what to do when it
    /// cannot (directory not writable, filesystem without shared memory, newer schema, ...).
    static std::unique_ptr<store> open(const store_options& options);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    /// The database file's path.
    const std::string& path() const;

    /// Records one delivery and one `queued` deployment per job in ONE transaction, durable when
    /// it returns; returns the new deployment ids in the order of `jobs` (empty for no jobs).
    /// Every deployment's delivery_id is the delivery's id. Throws store_error (nothing recorded).
    std::vector<std::int64_t> record_delivery(const delivery_record& delivery,
                                              const std::vector<planned_job>& jobs);
    /// Records many deliveries in ONE transaction (group commit); returns each submission's
    /// deployment ids, in order. All or nothing: throws store_error and records none on failure.
    std::vector<std::vector<std::int64_t>> record_deliveries(
        std::span<const delivery_submission> submissions, durability d = durability::durable);

    /// queued → running. Returns false (and changes nothing) when the deployment is not queued,
    /// e.g. it was superseded meanwhile.
    bool mark_running(std::int64_t id, std::string_view old_image, std::int64_t now_ms);
    /// queued|running → `state`, which must be succeeded, failed or rolled_back (else throws
    /// std::invalid_argument). Returns false when the deployment was already finished or absent.
    bool mark_finished(std::int64_t id, deployment_state state, std::string_view new_image,
                       std::string_view error, std::int64_t now_ms);
    /// queued → superseded by `by_id`. Returns false when the deployment is no longer queued.
    bool mark_superseded(std::int64_t id, std::int64_t by_id, std::int64_t now_ms);
    /// At start: every deployment left `running` by a stopped agent becomes `failed` with the
    /// error "interrupted: ..." and a step line saying so. Returns them (oldest first).
    std::vector<deployment_record> mark_interrupted(std::int64_t now_ms);

    /// Appends a line to the deployment's step log (bounded, see store_options; lines longer than
    /// 4 KiB are cut). Step lines are written without an fsync of their own: a power cut may lose
    /// the latest lines, never a state change. Unknown ids are ignored.
    void append_step(std::int64_t id, std::int64_t at_ms, std::string_view message);

    /// Newest first, at most `limit`; only `app`'s when given.
    std::vector<deployment_record> list_deployments(std::optional<std::string> app,
                                                    std::size_t limit);
    std::optional<deployment_record> get_deployment(std::int64_t id);
    /// The step log in order; when lines were dropped, one line in the gap says how many.
    std::vector<step_record> steps(std::int64_t id);
    /// The app's newest deployment, whatever its state.
    std::optional<deployment_record> last_deployment(std::string_view app);
    /// For deduplicating redeliveries: the first delivery with this id that was accepted, else
    /// the most recent with this id, else nullopt.
    std::optional<delivery_record> find_delivery(std::string_view id);
    /// Whether a delivery with this id was accepted (an index lookup: the redelivery check on
    /// every push must not slow down as refused deliveries pile up).
    bool delivery_accepted(std::string_view id);
    /// Whether a delivery with this replay key was recorded and the key has not expired by
    /// `now_ms` (an index lookup).
    bool replay_seen(std::string_view replay_key, std::int64_t now_ms);
    /// Newest first, at most `limit` (for diagnosing refused deliveries).
    std::vector<delivery_record> recent_deliveries(std::size_t limit);
    /// queued and running deployments, oldest first: what to resume at start.
    std::vector<deployment_record> unfinished();

    /// Retention: removes finished deployments (with their steps) older than the retention,
    /// except each app's newest, and deliveries older than it that no kept deployment refers
    /// to, then the oldest deliveries beyond max_deliveries, then expired replay keys and the
    /// oldest beyond max_replay_keys. Returns the rows removed (deployments + deliveries).
    std::size_t prune(std::int64_t now_ms);

    /// Write transactions committed since open (tests and metrics: group commit batches).
    std::uint64_t transactions_committed() const;

    struct impl;

private:
    explicit store(std::unique_ptr<impl> state);
    std::unique_ptr<impl> impl_;
};

}  // namespace agent
