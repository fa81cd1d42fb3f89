#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "common/environment.hpp"
#include "deploy/journal.hpp"
#include "docker_client/image_api.hpp"
#include "docker_client/swarm_api.hpp"
#include "manifest/manifest.hpp"

namespace agent {

namespace net = boost::asio;

/// What /readyz and `doctor` say about Swarm.
struct swarm_readiness {
    bool manager = false;  ///< services can be updated through this engine
    std::string text;      ///< "Swarm manager (node …)", or why not and what to do
};

/// Asks the engine (`GET /info`) whether it is a Swarm manager. Never throws: an engine that
/// cannot be asked is reported as not a manager, with the reason.
net::awaitable<swarm_readiness> swarm_role(docker_client::swarm_api& swarm);

/// For /readyz: "" when no app of `m` is a Swarm service or the engine is a manager, else
/// swarm_role's reason. Never throws.
net::awaitable<std::string> swarm_problem(docker_client::swarm_api& swarm,
                                          std::shared_ptr<const manifest> m);

/// How a service update is followed.
struct swarm_follow {
    std::chrono::milliseconds poll{500};
    /// Longest wait for Swarm to finish; Swarm goes on with the update after it (the record then
    /// says so). The service's update_config (parallelism, delay, monitor, failure_action,
    /// order) decides how long a rolling update takes; the agent never changes it.
    std::chrono::milliseconds limit{std::chrono::minutes{20}};
};

/// The `service` strategy: updates app.service to app.image pinned by its registry digest
/// (strategy pull), or bumps ForceUpdate (strategy restart, or a forced deploy of an unchanged
/// digest), forwarding app.registry_auth (its variables read in `env`), and follows UpdateStatus
/// until Swarm reports completed (→ succeeded), rollback_completed (→ rolled_back), paused or
/// rollback_paused (→ failed). Reports steps and the outcome to `journal` under `deployment_id`;
/// throws std::exception for failures before the update was sent (missing service, registry
/// errors), which the executor records as failed. `images` asks the registry for the digest.
net::awaitable<deploy_result> update_swarm_service(docker_client::swarm_api& swarm,
                                                   docker_client::image_api& images,
                                                   deployment_journal& journal, const app_spec& app,
                                                   std::int64_t deployment_id, bool force,
                                                   environment env, swarm_follow follow = {});

}  // namespace agent
