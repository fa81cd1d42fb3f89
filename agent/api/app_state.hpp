#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "docker_client/docker_api.hpp"
#include "manifest/manifest.hpp"

namespace agent {

// What an app's container (or Swarm service) looks like right now.
struct live_state {
    std::string state;  ///< running | exited | created | paused | … | missing | unknown
    std::string image;  ///< the reference it runs, empty when unknown
};

/// Inspects the app's container (or Swarm service). Never throws: an engine error is logged and
/// gives state "unknown".
boost::asio::awaitable<live_state> inspect_app(docker_client::docker_api& docker, const app_spec& app);

}  // namespace agent
