#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace agent {

/// The history, read (the API, the status page, start-up). Every member is thread-safe and
/// reads through its own connection, so it never waits for a writer's fsync. Throws
/// store_error when the database cannot be read.
class history_reader {
  public:
    virtual ~history_reader() = default;

    /// Newest first, at most `limit`; only `app`'s when given.
    virtual std::vector<deployment_record> list_deployments(std::optional<std::string> app,
                                                            std::size_t limit) = 0;
    virtual std::optional<deployment_record> get_deployment(std::int64_t id) = 0;
    /// The step log in order; when lines were dropped, one line in the gap says how many.
    virtual std::vector<step_record> steps(std::int64_t id) = 0;
    /// The app's newest deployment, whatever its state.
    virtual std::optional<deployment_record> last_deployment(std::string_view app) = 0;
    /// queued and running deployments, oldest first: what to resume at start.
    virtual std::vector<deployment_record> unfinished() = 0;
    /// For deduplicating redeliveries: the first delivery with this id that was accepted, else
    /// the most recent with this id, else nullopt.
    virtual std::optional<delivery_record> find_delivery(std::string_view id) = 0;
    /// Newest first, at most `limit` (for diagnosing refused deliveries).
    virtual std::vector<delivery_record> recent_deliveries(std::size_t limit) = 0;
    /// The notification attempts recorded for a deployment, oldest first (at most 200).
    virtual std::vector<notification_attempt> notification_attempts(std::int64_t deployment_id) = 0;
};

}  // namespace agent
