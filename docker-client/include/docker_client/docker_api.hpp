#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "docker_client/types.hpp"

namespace docker_client {

namespace net = boost::asio;

/// The Docker Engine API as the agent uses it: the one test seam for the engine.
/// Every call has a deadline; every failure throws docker_client::error, except the
/// expected outcomes that are values (a missing container or image is std::nullopt).
/// Names and ids are validated and percent-encoded by the implementation.
class docker_api {
public:
    virtual ~docker_api() = default;

    /// `/_ping` then `/version`: negotiates the API version all later calls use.
    virtual net::awaitable<engine_version> ping() = 0;

    /// The container named or with id `name_or_id`, or nullopt when the daemon answers 404.
    virtual net::awaitable<std::optional<container_info>> inspect_container(std::string name_or_id) = 0;
    /// Creates a container from a full create body (Config fields + HostConfig + NetworkingConfig,
    /// as JSON text). Returns its id. Throws (409) when the name is taken.
    virtual net::awaitable<std::string> create_container(std::string name, std::string create_body_json) = 0;
    /// Starts it; an already running container is not an error.
    virtual net::awaitable<void> start_container(std::string id) = 0;
    /// Stops it; an already stopped container is not an error.
    virtual net::awaitable<void> stop_container(std::string id, stop_options options) = 0;
    virtual net::awaitable<void> restart_container(std::string id, stop_options options) = 0;
    virtual net::awaitable<void> rename_container(std::string id, std::string new_name) = 0;
    virtual net::awaitable<void> remove_container(std::string id, remove_options options) = 0;

    /// The image, or nullopt when the daemon does not have it.
    virtual net::awaitable<std::optional<image_info>> inspect_image(std::string reference) = 0;
    /// Pulls `reference` (a tag, `latest` when none is given, or a digest). The progress stream is
    /// read to its end and each line handed to `on_progress`; an error inside the stream throws.
    virtual net::awaitable<void> pull_image(std::string reference, std::optional<registry_auth> auth,
                                            progress_callback on_progress) = 0;
};

}  // namespace docker_client
