#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "docker_client/client.hpp"
#include "docker_client/container_api.hpp"
#include "store/deployment_history.hpp"
#include "store/recreate_log.hpp"

namespace agent {

namespace net = boost::asio;

/// At start, before any new work: every recreate a stopped agent left in flight is finished
/// (the new container had passed its health gate) or reverted (the parked old container gets
/// its name back and runs), from the engine's actual state, so that the app ends with one
/// running container under its name. Each such deployment becomes `recovered`, its record
/// saying what was done; one that cannot be brought back becomes `failed` with the state found.
/// Returns the deployments it ended, as recorded (to be announced: they ended here). Start-up
/// only: its writes block (before the agent serves anything).
net::awaitable<std::vector<deployment_record>> recover_interrupted_recreates(
    docker_client::container_api& docker, recreate_log& recreates, deployment_history& history);

/// recover_interrupted_recreates() on its own event loop and engine connection (`engine`),
/// blocking. Engine failures are logged; the deployments are then left for mark_interrupted.
std::vector<deployment_record> recover_interrupted_recreates_now(
    recreate_log& recreates, deployment_history& history, docker_client::client_options engine);

}  // namespace agent
