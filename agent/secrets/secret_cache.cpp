#include "secrets/secret_cache.hpp"

#include "common/log.hpp"
#include "planner/planner.hpp"

namespace agent {

std::optional<secret_listing> secret_cache::find(const secret_scope& scope, time_point now) {
    auto it = entries_.find(scope);
    if (it == entries_.end()) {
        return std::nullopt;
    }
    if (now - it->second.fetched_at >= max_age_) {
        entries_.erase(it);
        return std::nullopt;
    }
    return it->second.listing;
}

void secret_cache::store(const secret_scope& scope, secret_listing listing, time_point now) {
    entries_.insert_or_assign(scope, entry{std::move(listing), now});
}

std::vector<secret_scope> secret_cache::clear_matching(std::string_view project,
                                                       std::string_view environment,
                                                       std::string_view changed_path,
                                                       std::string_view origin) {
    std::vector<secret_scope> cleared;
    for (auto it = entries_.begin(); it != entries_.end();) {
        const secret_scope& s = it->first;
        const bool match = (project.empty() || s.project == project) &&
                           (environment.empty() || s.environment == environment) &&
                           change_covers(changed_path, s.path);
        if (!match) {
            ++it;
            continue;
        }
        spdlog::info("[{}] Clearing cache for {}", origin, s.describe());
        cleared.push_back(s);
        it = entries_.erase(it);
    }
    return cleared;
}

}  // namespace agent
