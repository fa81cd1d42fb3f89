#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "planner/planned_job.hpp"
#include "store/records.hpp"

namespace agent {

/// The deliveries received, by the webhook path's use: record them with their deployments, and
/// look up what was seen before (redeliveries and replays). Every member is thread-safe; the
/// records are blocking (one fsync each): on an io_context record through group_committer.
class delivery_log {
  public:
    virtual ~delivery_log() = default;

    /// Records one delivery and one `queued` deployment per job in ONE transaction, durable when
    /// it returns; returns the new deployment ids in the order of `jobs` (empty for no jobs).
    /// Every deployment's delivery_id is the delivery's id. Throws store_error (nothing recorded).
    virtual std::vector<std::int64_t> record_delivery(const delivery_record& delivery,
                                                      const std::vector<planned_job>& jobs) = 0;
    /// Records many deliveries in ONE transaction (group commit); returns each submission's
    /// deployment ids, in order. All or nothing: throws store_error and records none on failure.
    virtual std::vector<std::vector<std::int64_t>> record_deliveries(
        std::span<const delivery_submission> submissions, durability d = durability::durable) = 0;

    /// Whether a delivery with this id was accepted (an index lookup that does not slow down as
    /// refused deliveries pile up). The webhooks ask the accept stage's memory instead.
    virtual bool delivery_accepted(std::string_view id) = 0;
    /// The deliveries accepted at or after `since_ms` (Unix ms), the newest `limit` of them,
    /// oldest first: what the accept stage remembers at start (a partial index of the accepted
    /// rows: refused and duplicate ones are not read).
    virtual std::vector<accepted_delivery> accepted_since(std::int64_t since_ms,
                                                          std::size_t limit) = 0;
    /// Whether a delivery with this replay key was recorded and the key has not expired by
    /// `now_ms` (an index lookup).
    virtual bool replay_seen(std::string_view replay_key, std::int64_t now_ms) = 0;
};

}  // namespace agent
