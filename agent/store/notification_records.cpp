// The notification_attempts table: each try to deliver a notification (agent/notify/).

#include <mutex>

#include "store/store.hpp"
#include "store/store_impl.hpp"

namespace agent {

void store::record_notification_attempt(const notification_attempt& a) {
    using store_detail::bounded;
    auto& s = *impl_;
    store_detail::write_transaction(s, durability::relaxed, [&](sqlite::connection& db) {
        auto insert = db.cached(
            "INSERT INTO notification_attempts (deployment_id, app, target, attempt, outcome, "
            "status, error, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        insert->bind(1, a.deployment_id)
            .bind(2, bounded(a.app, store_detail::max_name))
            .bind(3, bounded(a.target, store_detail::max_name))
            .bind(4, a.attempt)
            .bind(5, bounded(a.outcome, store_detail::max_word))
            .bind(6, a.status)
            .bind(7, bounded(a.error, store_detail::max_text))
            .bind(8, a.at_ms);
        insert->step();
        return 0;
    });
}

std::vector<notification_attempt> store::notification_attempts(std::int64_t deployment_id) {
    auto& s = *impl_;
    std::lock_guard lock(s.read_mutex);
    auto query = s.reader.cached(
        "SELECT deployment_id, app, target, attempt, outcome, status, error, at "
        "FROM notification_attempts WHERE deployment_id = ?1 ORDER BY seq LIMIT 200");
    query->bind(1, deployment_id);
    std::vector<notification_attempt> out;
    while (query->step()) {
        notification_attempt a;
        a.deployment_id = query->column_int(0);
        a.app = query->column_text(1);
        a.target = query->column_text(2);
        a.attempt = query->column_int(3);
        a.outcome = query->column_text(4);
        a.status = query->column_int(5);
        a.error = query->column_text(6);
        a.at_ms = query->column_int(7);
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace agent
