// The history writes (history_write.hpp), applied on the writer inside the caller's transaction:
// the blocking store::apply and the group committer's batches run the same code.

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "store/store_impl.hpp"

namespace agent {

using store_detail::bounded;
using store_detail::max_name;
using store_detail::max_text;
using store_detail::max_word;

durability promised_by(const history_write& write) {
    if (std::holds_alternative<step_line>(write) ||
        std::holds_alternative<notification_attempt>(write)) {
        return durability::relaxed;
    }
    return durability::durable;
}

// Keeps the first half and the latest half of the cap; the line that just left the "latest"
// window is deleted, so each append costs at most one insert and one delete.
bool store_detail::insert_step(sqlite::connection& db, std::size_t max_steps, std::int64_t id,
                               std::int64_t at_ms, std::string_view message) {
    std::int64_t count = 0;
    {
        auto bump = db.cached(
            "UPDATE deployments SET step_count = step_count + 1 WHERE id = ?1 RETURNING "
            "step_count");
        bump->bind(1, id);
        if (!bump->step()) {
            return false;
        }
        count = bump->column_int(0);
        while (bump->step()) {
        }
    }
    {
        auto insert = db.cached(
            "INSERT INTO steps (deployment_id, seq, at, message) VALUES (?1, ?2, ?3, ?4)");
        insert->bind(1, id).bind(2, count - 1).bind(3, at_ms).bind(4, bounded(message, max_text));
        insert->step();
    }
    auto cap = static_cast<std::int64_t>(std::max<std::size_t>(max_steps, 2));
    std::int64_t head = cap / 2;
    std::int64_t tail = cap - head;
    std::int64_t leaving = count - 1 - tail;
    if (count > cap && leaving >= head) {
        auto drop = db.cached("DELETE FROM steps WHERE deployment_id = ?1 AND seq = ?2");
        drop->bind(1, id).bind(2, leaving);
        drop->step();
    }
    return true;
}

namespace {

write_result outcome(bool changed, std::size_t removed = 0) {
    write_result result;
    result.changed = changed;
    result.removed = removed;
    return result;
}

bool started(sqlite::connection& db, const deployment_started& w) {
    auto update = db.cached(
        "UPDATE deployments SET state = 'running', started_at = ?2, old_image = ?3 "
        "WHERE id = ?1 AND state = 'queued'");
    update->bind(1, w.id).bind(2, w.at_ms).bind(3, bounded(w.old_image, max_name));
    update->step();
    return db.changes() == 1;
}

write_result ended(sqlite::connection& db, const deployment_ended& w) {
    if (!is_terminal(w.state) || w.state == deployment_state::superseded) {
        throw std::invalid_argument(
            "mark_finished: state must be succeeded, failed, rolled_back or recovered");
    }
    {
        auto update = db.cached(
            "UPDATE deployments SET state = ?2, finished_at = ?3, new_image = ?4, error = ?5 "
            "WHERE id = ?1 AND state IN ('queued', 'running')");
        update->bind(1, w.id)
            .bind(2, to_string(w.state))
            .bind(3, w.at_ms)
            .bind(4, bounded(w.new_image, max_name))
            .bind(5, bounded(w.error, max_text));
        update->step();
        if (db.changes() != 1) {
            return {};
        }
    }
    // The record as this transaction leaves it: what the notifier is handed (it never reads the
    // row again, which a later write could have changed).
    auto select = db.cached("SELECT " + std::string(store_detail::deployment_columns) +
                            " FROM deployments WHERE id = ?1");
    select->bind(1, w.id);
    write_result result = outcome(true);
    if (select->step()) {
        result.ended = store_detail::read_deployment(*select);
        while (select->step()) {
        }
    }
    return result;
}

bool superseded(sqlite::connection& db, const deployment_superseded& w) {
    auto update = db.cached(
        "UPDATE deployments SET state = 'superseded', finished_at = ?2, superseded_by = ?3, "
        "error = 'superseded by deployment ' || ?3 WHERE id = ?1 AND state = 'queued'");
    update->bind(1, w.id).bind(2, w.at_ms).bind(3, w.by_id);
    update->step();
    return db.changes() == 1;
}

void recreate_step(sqlite::connection& db, const recreate_step_taken& w) {
    const auto& p = w.progress;
    auto upsert = db.cached(
        "INSERT OR REPLACE INTO recreate_progress (deployment_id, app, container, old_id, "
        "parked_name, new_id, step, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    upsert->bind(1, p.deployment_id)
        .bind(2, bounded(p.app, max_name))
        .bind(3, bounded(p.container, max_name))
        .bind(4, bounded(p.old_id, max_name))
        .bind(5, bounded(p.parked_name, max_name))
        .bind(6, bounded(p.new_id, max_name))
        .bind(7, bounded(p.step, max_name))
        .bind(8, w.at_ms);
    upsert->step();
}

void recreate_clear(sqlite::connection& db, const recreate_cleared& w) {
    auto remove = db.cached("DELETE FROM recreate_progress WHERE deployment_id = ?1");
    remove->bind(1, w.id);
    remove->step();
}

void notification(sqlite::connection& db, const notification_attempt& a) {
    auto insert = db.cached(
        "INSERT INTO notification_attempts (deployment_id, app, target, attempt, outcome, "
        "status, error, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    insert->bind(1, a.deployment_id)
        .bind(2, bounded(a.app, max_name))
        .bind(3, bounded(a.target, max_name))
        .bind(4, a.attempt)
        .bind(5, bounded(a.outcome, max_word))
        .bind(6, a.status)
        .bind(7, bounded(a.error, max_text))
        .bind(8, a.at_ms);
    insert->step();
}

std::size_t prune(store::impl& s, sqlite::connection& db, std::int64_t now_ms) {
    auto retention_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(s.options.retention).count();
    auto max_deliveries = static_cast<std::int64_t>(s.options.max_deliveries);

    std::int64_t removed = 0;
    if (retention_ms > 0) {
        constexpr std::string_view expired =
            " state IN ('succeeded', 'failed', 'rolled_back', 'superseded', 'recovered') "
            "AND finished_at < ?1 AND id NOT IN (SELECT MAX(id) FROM deployments GROUP BY app)";
        auto cutoff = now_ms - static_cast<std::int64_t>(retention_ms);
        {
            auto drop = db.cached(std::string("DELETE FROM steps WHERE deployment_id IN ") +
                                  "(SELECT id FROM deployments WHERE" + std::string(expired) + ")");
            drop->bind(1, cutoff);
            drop->step();
        }
        {
            auto drop = db.cached("DELETE FROM deployments WHERE" + std::string(expired));
            drop->bind(1, cutoff);
            drop->step();
            removed += db.changes();
        }
        auto drop = db.cached(
            "DELETE FROM deliveries WHERE received_at < ?1 "
            "AND id NOT IN (SELECT delivery_id FROM deployments)");
        drop->bind(1, cutoff);
        drop->step();
        removed += db.changes();
        db.cached(
              "DELETE FROM notification_attempts WHERE deployment_id NOT IN "
              "(SELECT id FROM deployments)")
            ->step();
    }
    if (max_deliveries > 0) {
        auto drop = db.cached(
            "DELETE FROM deliveries WHERE seq <= "
            "(SELECT seq FROM deliveries ORDER BY seq DESC LIMIT 1 OFFSET ?1) "
            "AND id NOT IN (SELECT delivery_id FROM deployments)");
        drop->bind(1, max_deliveries);
        drop->step();
        removed += db.changes();
    }
    store_detail::prune_replay_keys(db, now_ms, s.options.max_replay_keys);
    return static_cast<std::size_t>(removed);
}

}  // namespace

write_result store_detail::apply_write(store::impl& s, sqlite::connection& db,
                                       const history_write& write) {
    return std::visit(
        [&](const auto& w) -> write_result {
            using kind = std::decay_t<decltype(w)>;
            if constexpr (std::is_same_v<kind, deployment_started>) {
                return outcome(started(db, w));
            } else if constexpr (std::is_same_v<kind, deployment_ended>) {
                return ended(db, w);
            } else if constexpr (std::is_same_v<kind, deployment_superseded>) {
                return outcome(superseded(db, w));
            } else if constexpr (std::is_same_v<kind, step_line>) {
                return outcome(
                    insert_step(db, s.options.max_steps_per_deployment, w.id, w.at_ms, w.message));
            } else if constexpr (std::is_same_v<kind, recreate_step_taken>) {
                recreate_step(db, w);
            } else if constexpr (std::is_same_v<kind, recreate_cleared>) {
                recreate_clear(db, w);
            } else if constexpr (std::is_same_v<kind, notification_attempt>) {
                notification(db, w);
            } else if constexpr (std::is_same_v<kind, history_pruned>) {
                return outcome(true, prune(s, db, w.now_ms));
            } else {
                static_assert(std::is_same_v<kind, history_barrier>);
            }
            return outcome(true);
        },
        write);
}

}  // namespace agent
