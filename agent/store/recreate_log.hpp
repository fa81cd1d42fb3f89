#pragma once

#include <cstdint>
#include <vector>

#include "store/records.hpp"

namespace agent {

/// Where each recreate in flight is, recorded before each step it takes, so that a start after
/// a crash can finish or revert it (deploy/recovery.hpp). Every member is thread-safe and
/// blocking; on an io_context the writes go through group_committer (record_history_async).
class recreate_log {
  public:
    virtual ~recreate_log() = default;

    /// Records (durably, replacing the previous record of the deployment) the recreate step
    /// about to be taken. Throws store_error: the step must not be taken unrecorded.
    virtual void record_recreate_step(const recreate_progress& progress, std::int64_t now_ms) = 0;
    /// Forgets the deployment's recreate record (the recreate ended, either way).
    virtual void clear_recreate(std::int64_t deployment_id) = 0;
    /// Recreate records of deployments still `running` (at start: interrupted ones), oldest
    /// first.
    virtual std::vector<recreate_progress> interrupted_recreates() = 0;
};

}  // namespace agent
