#pragma once

// The changes to the deployment history, as values: the writer thread (group_commit.hpp) records
// them in the same transactions as deliveries, so the io thread never writes to SQLite itself.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "store/records.hpp"

namespace agent {

/// queued → running, with the image it replaces. Changes nothing unless the deployment is queued
/// (it may have been superseded meanwhile).
struct deployment_started {
    std::int64_t id = 0;
    std::string old_image;
    std::int64_t at_ms = 0;
};

/// queued|running → `state`: succeeded, failed, rolled_back or recovered (anything else makes
/// the write throw std::invalid_argument). Changes nothing when the deployment already ended.
struct deployment_ended {
    std::int64_t id = 0;
    deployment_state state = deployment_state::failed;
    std::string new_image;
    std::string error;
    std::int64_t at_ms = 0;
};

/// queued → superseded by `by_id`. Changes nothing when the deployment is no longer queued.
struct deployment_superseded {
    std::int64_t id = 0;
    std::int64_t by_id = 0;
    std::int64_t at_ms = 0;
};

/// One line of a deployment's step log (bounded, see store_options). Unknown ids are ignored.
struct step_line {
    std::int64_t id = 0;
    std::int64_t at_ms = 0;
    std::string message;
};

/// The recreate step about to be taken, replacing the deployment's previous one.
struct recreate_step_taken {
    recreate_progress progress;
    std::int64_t at_ms = 0;
};

/// The recreate of deployment `id` ended, either way: its progress record is dropped.
struct recreate_cleared {
    std::int64_t id = 0;
};

/// Retention (store::prune) as of `now_ms`.
struct history_pruned {
    std::int64_t now_ms = 0;
};

/// Writes nothing: through group_committer, its completion says that every write submitted
/// before it is recorded, durably (they are applied in order).
struct history_barrier {};

/// One write to the history; notification_attempt records one try to notify.
using history_write = std::variant<deployment_started, deployment_ended, deployment_superseded,
                                   step_line, recreate_step_taken, recreate_cleared,
                                   notification_attempt, history_pruned, history_barrier>;

/// What a history write did.
struct write_result {
    /// The deployment was in the state the write expects and changed (deployment_started, _ended,
    /// _superseded, step_line); true for the other writes.
    bool changed = false;
    /// deployment_ended that changed the row: the deployment as that transaction left it.
    std::optional<deployment_record> ended;
    /// history_pruned: rows removed (deployments + deliveries).
    std::size_t removed = 0;
};

/// The durability a write asks for: relaxed for step lines and notification attempts (nobody
/// waits on them; the next durable commit covers them), durable for every state change, the
/// recreate record (it must be on disk before its step), retention and a barrier.
durability promised_by(const history_write& write);

}  // namespace agent
