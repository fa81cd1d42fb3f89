#pragma once

// What ties an engine object to a manifest entry: exact image references, the labels the agent
// puts on the containers it creates, the app's registry credentials.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "common/environment.hpp"
#include "docker_client/container_api.hpp"
#include "docker_client/types.hpp"
#include "manifest/manifest.hpp"

namespace agent {

/// Whether `image` carries `reference` as one of its tags or digests (":latest" implied, Docker
/// Hub's "docker.io/library/" spelled either way).
bool image_has_reference(const docker_client::image_info& image, const std::string& reference);

/// The container named exactly `name` (the engine also matches id prefixes: such an answer is
/// not the app's container), or nullopt. Throws docker_client::error for engine failures.
boost::asio::awaitable<std::optional<docker_client::container_info>> find_container_exactly(
    docker_client::container_api& docker, std::string name);

/// io.deploy-agent.app and io.deploy-agent.deployment for the app's new container.
std::map<std::string, std::string> agent_labels(const app_spec& app, std::int64_t deployment_id);

/// The registry host of `reference` ("docker.io" when it names none).
std::string registry_host(const std::string& reference);

/// The app's registry credentials: the values in `env` of the variables `registry_auth` names,
/// for the registry of its image; nullopt without `registry_auth`. The one reader of those
/// variables (pull, build, service update, doctor). Throws std::runtime_error naming a variable
/// that is unset or empty (never a value).
std::optional<docker_client::registry_auth> registry_credentials(const app_spec& app,
                                                                 const environment& env);

}  // namespace agent
