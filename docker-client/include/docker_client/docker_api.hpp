#pragma once

#include "docker_client/container_api.hpp"
#include "docker_client/image_api.hpp"
#include "docker_client/network_api.hpp"
#include "docker_client/swarm_api.hpp"
#include "docker_client/system_api.hpp"

namespace docker_client {

/// The Docker Engine API as the agent uses it, one pure-virtual role per kind of object:
/// containers, images, networks, swarm, system (ping and events). This is the whole engine, as
/// make_client returns it; code takes only the roles it uses, so that a test fake implements
/// those roles completely and nothing else. Every call has a deadline; every failure throws
/// docker_client::error, except the expected outcomes that are values (a missing container or
/// image is std::nullopt).
class docker_api : public container_api,
                   public image_api,
                   public network_api,
                   public swarm_api,
                   public system_api {};

}  // namespace docker_client
