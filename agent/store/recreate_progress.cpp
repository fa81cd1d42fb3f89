// The recreate steps in flight: recorded durably before each step, read back at start.

#include "store/store_impl.hpp"

namespace agent {

using store_detail::bounded;
using store_detail::max_name;

void store::record_recreate_step(const recreate_progress& p, std::int64_t now_ms) {
    // Durable: after a crash the engine may be in the state this step leads to, and only this
    // record says which container is parked where.
    store_detail::write_transaction(*impl_, [&](sqlite::connection& db) {
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
            .bind(8, now_ms);
        upsert->step();
        return 0;
    });
}

void store::clear_recreate(std::int64_t deployment_id) {
    store_detail::write_transaction(*impl_, [&](sqlite::connection& db) {
        auto remove = db.cached("DELETE FROM recreate_progress WHERE deployment_id = ?1");
        remove->bind(1, deployment_id);
        remove->step();
        return 0;
    });
}

std::vector<recreate_progress> store::interrupted_recreates() {
    std::lock_guard lock(impl_->read_mutex);
    auto select = impl_->reader.cached(
        "SELECT r.deployment_id, r.app, r.container, r.old_id, r.parked_name, r.new_id, r.step "
        "FROM recreate_progress r JOIN deployments d ON d.id = r.deployment_id "
        "WHERE d.state = 'running' ORDER BY r.deployment_id");
    std::vector<recreate_progress> out;
    while (select->step()) {
        out.push_back({select->column_int(0), select->column_text(1), select->column_text(2),
                       select->column_text(3), select->column_text(4), select->column_text(5),
                       select->column_text(6)});
    }
    return out;
}

}  // namespace agent
