#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "docker_client/types.hpp"

namespace agent {

/// What the new container of a recreate is made from: the engine's own inspect answers
/// (GET /containers/{id}/json, GET /images/{id}/json), as the client parsed them.
struct spec_inputs {
    docker_client::container_info old_container;
    /// The old container's image; nullopt when the engine no longer has it: then no value can
    /// be told apart from the image's default and every one is kept as the user's.
    std::optional<docker_client::image_info> old_image;
    docker_client::image_info new_image;
    std::string image_reference;  ///< the manifest's `image:` (Config.Image of the new container)
    /// Labels the agent sets (io.deploy-agent.*), and those the secrets stage adds; they replace
    /// labels of the same key.
    std::map<std::string, std::string> labels;
    /// "KEY=value" entries the secrets stage injects; they replace the user's entry of the same
    /// key. Empty: the user's Env is kept as it was.
    std::vector<std::string> injected_env;
    /// Keys a previous deploy injected (the old container's secret-keys label): their entries
    /// are the agent's, not the user's, and are dropped unless injected again.
    std::vector<std::string> removed_env_keys;
};

/// Why a container cannot be recreated faithfully (the message says what to do).
class spec_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The request of `POST /containers/create` for the new container: a pure function of its inputs.
/// A Config value equal to the old image's default is the image's and is left out, so the new
/// image's default applies; what the user set is kept (docs/recreate.md lists every field).
/// HostConfig is kept whole, the old anonymous volumes are mounted again by name at the same
/// destinations, every network keeps its aliases (minus the old short id), static addresses and
/// links. Throws spec_error when an inspect value has no document or it is not an object.
docker_client::container_create_request build_container_spec(const spec_inputs& in);

/// The container whose network stack the old container shares (`network_mode: container:<x>`,
/// compose's `service:`), or nullopt. The caller refuses the recreate when it is gone.
std::optional<std::string> network_mode_target(const docker_client::container_info& old);

/// One line of a dry run: a field whose effective value changes.
struct spec_change {
    std::string field;  ///< "Image", "Env.PATH", "Cmd", "Labels.version", ...
    std::string before;  ///< "(unset)" when absent
    std::string after;
};

/// The fields of the running container's effective configuration that the new container would
/// have differently (the engine merges the new image's defaults into the spec), in field order.
/// Throws spec_error like build_container_spec.
std::vector<spec_change> diff_container_spec(const spec_inputs& in,
                                             const docker_client::container_create_request& spec);

}  // namespace agent
