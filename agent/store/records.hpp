#pragma once

// The plain records of the store: what its interfaces take and return.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "planner/planned_job.hpp"

namespace agent {

/// queued → running → succeeded | failed | rolled_back | recovered; queued → superseded
/// (ARCHITECTURE.md). `recovered`: the agent stopped mid-deploy and its next start finished or
/// reverted it from the engine's state.
enum class deployment_state {
    queued,
    running,
    succeeded,
    failed,
    rolled_back,
    superseded,
    recovered
};

/// "queued", "running", "succeeded", "failed", "rolled_back", "superseded", "recovered".
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

/// An accepted delivery's id and when it was received (delivery_log::accepted_since).
struct accepted_delivery {
    std::string id;
    std::int64_t received_at_ms = 0;
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
    std::string old_image;  ///< set when it starts running
    std::string new_image;  ///< set when it finishes
    deployment_state state = deployment_state::queued;
    std::int64_t created_at_ms = 0;
    std::int64_t started_at_ms = 0;
    std::int64_t finished_at_ms = 0;
    std::string error;  ///< empty unless failed, rolled_back, superseded or interrupted
    std::int64_t superseded_by = 0;  ///< the deployment that replaced this one, when superseded
};

/// One line of a deployment's step log.
struct step_record {
    std::int64_t at_ms = 0;
    std::string message;
};

/// One attempt to deliver a notification about a finished deployment (agent/notify/).
struct notification_attempt {
    std::int64_t deployment_id = 0;
    std::string app;
    std::string target;  ///< notify::target::shown: kind, scheme and host, never the URL's path
    std::int64_t attempt = 1;
    std::string outcome;      ///< "delivered" | "retrying" | "failed" (gave up)
    std::int64_t status = 0;  ///< the receiver's HTTP status, 0 when none was read
    std::string error;        ///< why it did not get through, empty when delivered
    std::int64_t at_ms = 0;
};

/// What a commit promises once it returns. `durable`: on disk (fsync), as an accepted delivery
/// must be before it is answered. `relaxed`: written to the WAL without an fsync of its own;
/// consistent after a crash, and made durable by the next durable commit or checkpoint; a power
/// cut may lose it. For records nobody waits on: refused and ignored deliveries, step lines.
enum class durability { durable, relaxed };

/// Where a recreate is, recorded (durably) before each step it takes, so that a start after a
/// crash can finish or revert it from the engine's state (deploy/recovery.hpp).
struct recreate_progress {
    std::int64_t deployment_id = 0;
    std::string app;
    std::string container;    ///< the app's container name
    std::string old_id;       ///< the container being replaced
    std::string parked_name;  ///< the name the old container is renamed to while parked
    std::string new_id;       ///< the new container, once created
    std::string step;  ///< the step about to be taken: rename, create, stop, start, health, remove
};

/// One delivery with the jobs planned for it, as recorded together.
struct delivery_submission {
    delivery_record delivery;
    std::vector<planned_job> jobs;
};

/// The one error type of the store: the message names the database path, what failed and, when
/// there is one, what the operator can do about it.
class store_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace agent
