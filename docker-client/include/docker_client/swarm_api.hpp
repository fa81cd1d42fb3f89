#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "docker_client/types.hpp"

namespace docker_client {

namespace net = boost::asio;

/// The engine's Swarm services: one role of the engine seam (docker_api.hpp).
class swarm_api {
  public:
    virtual ~swarm_api() = default;

    /// The service, or nullopt when it does not exist (also when this node is not in a swarm).
    virtual net::awaitable<std::optional<service_info>> inspect_service(std::string name_or_id) = 0;
    /// Whether the engine is in a swarm and a manager (`GET /info`).
    virtual net::awaitable<swarm_status> swarm_info() = 0;
    /// Updates the service; returns the daemon's warnings. Throws (409/500 "update out of
    /// sequence") when the version is stale.
    virtual net::awaitable<std::vector<std::string>> update_service(service_update update) = 0;
};

}  // namespace docker_client
