// The recreate steps in flight, read back at start (history_writes.cpp records them).

#include "store/store_impl.hpp"

namespace agent {

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
