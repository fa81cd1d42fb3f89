#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "secrets/secret_types.hpp"

namespace agent {

/// Listings by scope (project + environment + path), each kept at most `max_age`. Not
/// thread-safe: used from the agent's one event loop.
class secret_cache {
public:
    using time_point = std::chrono::steady_clock::time_point;

    explicit secret_cache(std::chrono::milliseconds max_age) : max_age_(max_age) {}

    /// The listing stored for `scope` less than max_age ago, else nullopt (an expired entry is
    /// dropped).
    std::optional<secret_listing> find(const secret_scope& scope, time_point now);

    /// Stores (or replaces) the listing for `scope`, fetched at `now`.
    void store(const secret_scope& scope, secret_listing listing, time_point now);

    /// Drops every entry of `project` and `environment` (empty = any) whose path the change at
    /// `changed_path` covers (change_covers, planner/planner.hpp), logging `[<origin>] Clearing
    /// cache for <project>-<env>-<path>` for each (the replaced service's line). Returns the scopes
    /// dropped.
    std::vector<secret_scope> clear_matching(std::string_view project, std::string_view environment,
                                             std::string_view changed_path,
                                             std::string_view origin = "Infisical Webhook");

    std::size_t size() const { return entries_.size(); }

private:
    struct entry {
        secret_listing listing;
        time_point fetched_at;
    };
    std::chrono::milliseconds max_age_;
    std::map<secret_scope, entry> entries_;
};

}  // namespace agent
