#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "accept/accepted_deliveries.hpp"
#include "accept/decision.hpp"
#include "deploy/deploy_queue.hpp"
#include "intake/replay_memory.hpp"
#include "planner/planned_job.hpp"
#include "store/delivery_log.hpp"
#include "store/group_commit.hpp"

// The accept stage's one effectful step, which every entry uses (the webhooks, the secrets
// check and poll, the API's and the status page's manual deploys): what was seen before, and
// for a decision (accept/decision.hpp) the record, the submission and the count.

namespace agent {

/// Records deliveries, submits their jobs and counts them. Used from one io thread. The
/// references must outlive it.
class acceptor {
  public:
    /// `accepted`: the deliveries accepted before this process (load_accepted_deliveries).
    acceptor(group_committer& committer, delivery_log& history, deploy_queue& queue,
             accepted_deliveries accepted = accepted_deliveries{});

    /// Whether a delivery with `delivery_id` was accepted (from memory: no read of the store)
    /// and whether one with `replay_key` was (this process's replay memory, then the history),
    /// at `now_ms`; either may be empty.
    seen_before seen(std::string_view delivery_id, const std::string& replay_key,
                     std::int64_t now_ms) const;
    /// The queue's deployments in flight (decide_github_delivery).
    in_flight_lookup in_flight() const;

    /// Accepts `delivery` with `jobs`: its replay key is remembered first (a replay arriving
    /// meanwhile is a duplicate), then the delivery is recorded, verdict "accepted", with its
    /// jobs, durably (the time is now when unset; the reason "N deployment(s) queued" when there
    /// are jobs), its id is remembered as accepted once on disk, each job is submitted under its
    /// deployment id, and the delivery is counted.
    /// Returns the ids in the jobs' order. Throws store_error (the replay key is forgotten: a
    /// redelivery may try again), or std::runtime_error when the store gives other ids than jobs
    /// (nothing is submitted then).
    boost::asio::awaitable<std::vector<std::int64_t>> accept(delivery_record delivery,
                                                             std::vector<planned_job> jobs);

    /// Records a delivery that queued nothing (ignored, refused, duplicate) without making the
    /// caller wait for the disk and without an fsync of its own, and counts it. Never throws.
    void note(delivery_record delivery);

    /// Counts a refusal that the flood gate kept out of the log and the history (metrics count
    /// every refusal; note() counts the others). Never throws.
    void count_refused(std::string_view source, std::string_view reason);

    /// Records the summary of refusals the flood gate held back (verdict "refused", reason
    /// "flood: " + summary) like note(), without counting it: each was counted by
    /// count_refused(). Never throws.
    void note_flood_summary(std::string_view source, std::string_view summary);

  private:
    void record_relaxed(delivery_record delivery);

    group_committer& committer_;
    delivery_log& history_;
    deploy_queue& queue_;
    replay_memory replays_;
    accepted_deliveries accepted_;
};

}  // namespace agent
