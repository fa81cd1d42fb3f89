#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "docker_client/types.hpp"

namespace docker_client {

namespace net = boost::asio;

/// The Docker Engine API as the agent uses it: the one test seam for the engine.
/// Every call has a deadline; every failure throws docker_client::error, except the
/// expected outcomes that are values (a missing container or image is std::nullopt).
/// Names and ids are validated and percent-encoded by the implementation.
/// The calls added after the first cut have default implementations that throw
/// docker_client::error ("not implemented"), so a test fake overrides only what it uses.
class docker_api {
  public:
    virtual ~docker_api() = default;

    /// `/_ping` then `/version`: negotiates the API version all later calls use.
    virtual net::awaitable<engine_version> ping() = 0;

    // --- containers -------------------------------------------------------------------------

    /// The container named or with id `name_or_id`, or nullopt when the daemon answers 404.
    virtual net::awaitable<std::optional<container_info>> inspect_container(
        std::string name_or_id) = 0;
    /// Creates a container from a full create body (Config fields + HostConfig + NetworkingConfig,
    /// as JSON text). Returns its id. Throws (409) when the name is taken. Below API 1.44 a body
    /// with several networks is created on one and connected to the others; fields the engine's
    /// API is too old for are refused (status 0) with the version they need.
    virtual net::awaitable<std::string> create_container(std::string name,
                                                         std::string create_body_json) = 0;
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
        container_list_options options);
    /// Sends `signal` ("SIGKILL", "SIGHUP", "9" …). Throws (409) when it is not running.
    virtual net::awaitable<void> kill_container(std::string id, std::string signal);
    /// Waits for the condition; throws (status 0) when options.timeout passes first.
    virtual net::awaitable<wait_result> wait_container(std::string id, wait_options options);
    /// The container's logs so far (not followed), demultiplexed.
    virtual net::awaitable<container_logs> logs(std::string id, log_options options);

    // --- images -----------------------------------------------------------------------------

    /// The image, or nullopt when the daemon does not have it.
    virtual net::awaitable<std::optional<image_info>> inspect_image(std::string reference) = 0;
    /// Pulls `reference` (a tag, `latest` when none is given, or a digest). The progress stream is
    /// read to its end and each line handed to `on_progress`; an error inside the stream throws.
    virtual net::awaitable<void> pull_image(std::string reference,
                                            std::optional<registry_auth> auth,
                                            progress_callback on_progress) = 0;
    /// Tags image `source` (name or id) as `repository:tag`.
    virtual net::awaitable<void> tag_image(std::string source, std::string repository,
                                           std::string tag);
    /// Removes the image or tag; returns false when the daemon did not have it. Throws (409)
    /// when a container uses it and `force` is not set.
    virtual net::awaitable<bool> remove_image(std::string reference, image_remove_options options);
    /// Removes dangling images (untagged, unused); with `label_filters` ("key" or "key=value")
    /// only those carrying the labels.
    virtual net::awaitable<prune_result> prune_dangling_images(
        std::vector<std::string> label_filters);
    /// Asks the registry (through the daemon) which digest `reference` points at, without
    /// pulling. Throws with the daemon's message when the tag or the access is missing.
    virtual net::awaitable<distribution_info> distribution_inspect(
        std::string reference, std::optional<registry_auth> auth);
    /// Builds `options.context_dir` and returns the image id. Each log line goes to `on_log`.
    /// A failed step throws docker_client::error with the daemon's message and the log's tail.
    virtual net::awaitable<build_result> build_image(build_options options,
                                                     build_log_callback on_log);

    // --- networks ---------------------------------------------------------------------------

    /// The network, or nullopt when it does not exist.
    virtual net::awaitable<std::optional<network_info>> inspect_network(std::string name_or_id);
    virtual net::awaitable<void> connect_network(std::string network, std::string container,
                                                 endpoint_options options);
    virtual net::awaitable<void> disconnect_network(std::string network, std::string container,
                                                    bool force);

    // --- events -----------------------------------------------------------------------------

    /// Streams events matching `filter` to `on_event` until it returns false, `until` passes,
    /// nothing arrives for the idle limit, or the coroutine is cancelled (Asio per-operation
    /// cancellation, e.g. `||` with a timer). Throws when the connection fails.
    virtual net::awaitable<events_end> watch_events(event_filter filter, event_callback on_event);

    // --- swarm ------------------------------------------------------------------------------

    /// The service, or nullopt when it does not exist (also when this node is not in a swarm).
    virtual net::awaitable<std::optional<service_info>> inspect_service(std::string name_or_id);
    /// Whether the engine is in a swarm and a manager (`GET /info`).
    virtual net::awaitable<swarm_status> swarm_info();
    /// Updates the service; returns the daemon's warnings. Throws (409/500 "update out of
    /// sequence") when the version is stale.
    virtual net::awaitable<std::vector<std::string>> update_service(service_update update);
};

}  // namespace docker_client
