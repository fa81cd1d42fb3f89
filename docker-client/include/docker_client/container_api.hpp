#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "docker_client/types.hpp"

namespace docker_client {

namespace net = boost::asio;

/// The engine's containers: one role of the engine seam (docker_api.hpp). Every call has a
/// deadline and throws docker_client::error on failure; a missing container is std::nullopt.
/// Names and ids are validated and percent-encoded by the implementation.
class container_api {
  public:
    virtual ~container_api() = default;

    /// The container named or with id `name_or_id`, or nullopt when the daemon answers 404.
    virtual net::awaitable<std::optional<container_info>> inspect_container(
        std::string name_or_id) = 0;
    /// Creates a container from a full create request (Config fields + HostConfig +
    /// NetworkingConfig, as a document the client writes once). Returns its id. Throws (409)
    /// when the name is taken, (status 0) when the request has no body or it is not an object.
    /// Below API 1.44 a request with several networks is created on one and connected to the
    /// others; fields the engine's API is too old for are refused (status 0) with the version
    /// they need.
    virtual net::awaitable<std::string> create_container(std::string name,
                                                         container_create_request request) = 0;
    /// Starts it; an already running container is not an error.
    virtual net::awaitable<void> start_container(std::string id) = 0;
    /// Stops it; an already stopped container is not an error. Without a timeout the daemon
    /// waits the container's own StopTimeout before it kills.
    virtual net::awaitable<void> stop_container(std::string id, stop_options options) = 0;
    virtual net::awaitable<void> restart_container(std::string id, stop_options options) = 0;
    virtual net::awaitable<void> rename_container(std::string id, std::string new_name) = 0;
    virtual net::awaitable<void> remove_container(std::string id, remove_options options) = 0;
    /// Containers matching every filter of `options`.
    virtual net::awaitable<std::vector<container_summary>> list_containers(
        container_list_options options) = 0;
    /// Sends `signal` ("SIGKILL", "SIGHUP", "9" …). Throws (409) when it is not running.
    virtual net::awaitable<void> kill_container(std::string id, std::string signal) = 0;
    /// Waits for the condition; throws (status 0) when options.timeout passes first.
    virtual net::awaitable<wait_result> wait_container(std::string id, wait_options options) = 0;
    /// The container's logs so far (not followed), demultiplexed.
    virtual net::awaitable<container_logs> logs(std::string id, log_options options) = 0;
};

}  // namespace docker_client
