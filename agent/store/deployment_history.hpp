#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/history_write.hpp"
#include "store/records.hpp"

namespace agent {

/// The deployments' states, step logs and notification attempts, written. Every member is
/// thread-safe and blocking (a durable write is one fsync): for start-up, tools and tests. On
/// an io_context the same writes go through group_committer (record_history_async).
class deployment_history {
  public:
    virtual ~deployment_history() = default;

    /// Applies `write` in one transaction with the durability promised_by() it. Throws
    /// store_error (nothing written), std::invalid_argument for a deployment_ended to a state
    /// that is not an end.
    virtual write_result apply(const history_write& write) = 0;
    /// At start: every deployment left `running` by a stopped agent becomes `failed` with the
    /// error "interrupted: ..." and a step line saying so. Returns them (oldest first).
    virtual std::vector<deployment_record> mark_interrupted(std::int64_t now_ms) = 0;

    /// queued → running. Returns false (and changes nothing) when the deployment is not queued,
    /// e.g. it was superseded meanwhile.
    bool mark_running(std::int64_t id, std::string_view old_image, std::int64_t now_ms) {
        return apply(deployment_started{id, std::string(old_image), now_ms}).changed;
    }
    /// queued|running → `state`, which must be succeeded, failed, rolled_back or recovered (else
    /// throws std::invalid_argument). Returns false when the deployment was already finished or
    /// absent.
    bool mark_finished(std::int64_t id, deployment_state state, std::string_view new_image,
                       std::string_view error, std::int64_t now_ms) {
        return apply(
                   deployment_ended{id, state, std::string(new_image), std::string(error), now_ms})
            .changed;
    }
    /// queued → superseded by `by_id`. Returns false when the deployment is no longer queued.
    bool mark_superseded(std::int64_t id, std::int64_t by_id, std::int64_t now_ms) {
        return apply(deployment_superseded{id, by_id, now_ms}).changed;
    }
    /// Appends a line to the deployment's step log (bounded, see store_options; lines longer than
    /// 4 KiB are cut). Step lines are written without an fsync of their own: a power cut may lose
    /// the latest lines, never a state change. Unknown ids are ignored.
    void append_step(std::int64_t id, std::int64_t at_ms, std::string_view message) {
        apply(step_line{id, at_ms, std::string(message)});
    }
    /// Records one notification attempt (relaxed durability: nobody waits on it). Throws
    /// store_error.
    void record_notification_attempt(const notification_attempt& attempt) { apply(attempt); }
    /// Retention: removes finished deployments (with their steps) older than the retention,
    /// except each app's newest, and deliveries older than it that no kept deployment refers
    /// to, then the oldest deliveries beyond max_deliveries, then expired replay keys and the
    /// oldest beyond max_replay_keys. Returns the rows removed (deployments + deliveries).
    std::size_t prune(std::int64_t now_ms) { return apply(history_pruned{now_ms}).removed; }
};

}  // namespace agent
