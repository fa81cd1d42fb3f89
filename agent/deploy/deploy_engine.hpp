#pragma once

#include "docker_client/container_api.hpp"
#include "docker_client/docker_api.hpp"
#include "docker_client/image_api.hpp"
#include "docker_client/swarm_api.hpp"

namespace agent {

/// The engine roles a deploy uses (containers, images, Swarm services), as references that
/// must outlive it. A whole engine converts to it; a test hands it the roles of its fakes.
struct deploy_engine {
    docker_client::container_api& containers;
    docker_client::image_api& images;
    docker_client::swarm_api& swarm;

    deploy_engine(docker_client::container_api& c, docker_client::image_api& i,
                  docker_client::swarm_api& s)
        : containers(c), images(i), swarm(s) {}
    // Implicit: where the program is assembled the one client plays every role.
    deploy_engine(docker_client::docker_api& engine)  // NOLINT(google-explicit-constructor)
        : containers(engine), images(engine), swarm(engine) {}
};

}  // namespace agent
