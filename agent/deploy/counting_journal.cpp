#include "deploy/counting_journal.hpp"

namespace agent {

void counting_journal::started(std::int64_t id, std::string_view app, std::string_view old_image) {
    {
        std::lock_guard lock(mutex_);
        running_since_[id] = std::chrono::steady_clock::now();
    }
    next_.started(id, app, old_image);
}

void counting_journal::step(std::int64_t id, std::string_view message) { next_.step(id, message); }

void counting_journal::finished(std::int64_t id, std::string_view app, deploy_result result,
                               std::string_view new_image, std::string_view error) {
    double seconds = 0;
    {
        std::lock_guard lock(mutex_);
        // A deployment that never started (its app left the manifest) ran for no time.
        if (auto it = running_since_.find(id); it != running_since_.end()) {
            seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second)
                          .count();
            running_since_.erase(it);
        }
    }
    metrics::count_deployment(metrics_, app, to_string(result), seconds);
    next_.finished(id, app, result, new_image, error);
}

void counting_journal::superseded(std::int64_t id, std::string_view app, std::int64_t by_id) {
    metrics::count_deployment(metrics_, app, to_string(deploy_result::superseded), 0);
    next_.superseded(id, app, by_id);
}

}  // namespace agent
