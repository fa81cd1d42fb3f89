#pragma once

// The recreate sequence and its rollback (internal to agent/deploy; docs/recreate.md).

#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "deploy/executor.hpp"

namespace agent {

/// Everything a recreate needs, resolved while the old container still serves.
struct recreate_plan {
    app_spec app;
    deploy_job job;
    docker_client::container_info old;
    docker_client::image_info new_image;
    docker_client::container_create_request spec;  ///< build_container_spec()
};

/// Who the recreate talks to, and whether the agent is stopping.
struct recreate_context {
    docker_client::container_api& containers;
    docker_client::image_api& images;  ///< removes the old image after a switch with `cleanup`
    deployment_journal& journal;
    const bool& stopping;
    /// deploy_settings::before_recreate_step: awaited before each step once it is recorded.
    recreate_step_hook before_step;
};

/// Name of the old container while it is parked aside: `<name>-parked-<deployment id>`.
std::string parked_name(const std::string& container, std::int64_t deployment_id);

/// rename old aside → create new under the name → stop old → start new → health gate →
/// remove old (and its image with `cleanup`). Each step is recorded before it is taken. Any
/// failure, exception or stop request before the switch is final runs the one rollback.
net::awaitable<deploy_result> run_recreate(recreate_context ctx, recreate_plan plan);

/// Waits until `container_id` is healthy (HEALTHCHECK) or, without one, running for
/// `health.stable_for` with the same StartedAt and RestartCount. Returns "" or why not.
net::awaitable<std::string> wait_healthy(recreate_context ctx, health_spec health,
                                         std::int64_t deployment_id, std::string container_id);

}  // namespace agent
