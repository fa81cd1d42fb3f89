// The notification_attempts table, read (history_writes.cpp records each try to notify).

#include <mutex>

#include "store/store.hpp"
#include "store/store_impl.hpp"

namespace agent {

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
