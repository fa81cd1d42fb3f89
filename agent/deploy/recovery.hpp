#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "docker_client/container_api.hpp"
#include "store/store.hpp"

namespace agent {

namespace net = boost::asio;

/// At start, before any new work: every recreate a stopped agent left in flight is finished
/// (the new container had passed its health gate) or reverted (the parked old container gets
/// its name back and runs), from the engine's actual state, so that the app ends with one
/// running container under its name. Each such deployment becomes `recovered`, its record
/// saying what was done; one that cannot be brought back becomes `failed` with the state found.
/// Returns the ids of the deployments it handled (to be announced: they ended here).
net::awaitable<std::vector<std::int64_t>> recover_interrupted_recreates(
    docker_client::container_api& docker, store& db);

/// recover_interrupted_recreates() on its own event loop and engine connection (blocking).
/// Engine failures are logged; the deployments are then left for mark_interrupted.
std::vector<std::int64_t> recover_interrupted_recreates_now(store& db);

}  // namespace agent
