#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "deploy/deploy_queue.hpp"
#include "planner/planned_job.hpp"

// A deploy someone asked for by hand: POST /api/apps/{app}/deploy and the status page's button.

namespace agent {

/// Records a delivery with its jobs and returns their deployment ids, in order (the function
/// behind route_services::record; the store's ids, so GET /api/deployments/{id} finds them).
using delivery_recorder = std::function<boost::asio::awaitable<std::vector<std::int64_t>>(
    std::string source, std::string event, std::string delivery_id,
    std::vector<planned_job> jobs)>;

/// Records `job` as a "deploy" delivery of its own from `source` ("api", "status-page"), which
/// also becomes the job's trigger, then queues it. Returns its deployment id. Throws what
/// `record` throws, and std::runtime_error when it gives other than one id (nothing is queued
/// then). `record` and `queue` must outlive the coroutine.
boost::asio::awaitable<std::int64_t> queue_manual_deploy(const delivery_recorder& record,
                                                         deploy_queue& queue, planned_job job,
                                                         std::string source);

}  // namespace agent
