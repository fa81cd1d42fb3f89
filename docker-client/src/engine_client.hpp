#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "docker_client/client.hpp"
#include "transport.hpp"

namespace docker_client::detail {

/// The real docker_api: versioned paths, status checks and typed results over `transport`.
/// Calls are split by resource: engine_client.cpp (negotiation), containers.cpp,
/// container_create.cpp, images.cpp, build.cpp, networks.cpp, events.cpp, services.cpp.
class engine_client final : public docker_api {
  public:
    engine_client(net::any_io_executor executor, client_options options);

    net::awaitable<engine_version> ping() override;

    net::awaitable<std::optional<container_info>> inspect_container(
        std::string name_or_id) override;
    net::awaitable<std::string> create_container(std::string name,
                                                 container_create_request request) override;
    net::awaitable<void> start_container(std::string id) override;
    net::awaitable<void> stop_container(std::string id, stop_options options) override;
    net::awaitable<void> restart_container(std::string id, stop_options options) override;
    net::awaitable<void> rename_container(std::string id, std::string new_name) override;
    net::awaitable<void> remove_container(std::string id, remove_options options) override;
    net::awaitable<std::vector<container_summary>> list_containers(
        container_list_options options) override;
    net::awaitable<void> kill_container(std::string id, std::string signal) override;
    net::awaitable<wait_result> wait_container(std::string id, wait_options options) override;
    net::awaitable<container_logs> logs(std::string id, log_options options) override;

    net::awaitable<std::optional<image_info>> inspect_image(std::string reference) override;
    net::awaitable<void> pull_image(std::string reference, std::optional<registry_auth> auth,
                                    progress_callback on_progress) override;
    net::awaitable<void> tag_image(std::string source, std::string repository,
                                   std::string tag) override;
    net::awaitable<bool> remove_image(std::string reference, image_remove_options options) override;
    net::awaitable<prune_result> prune_dangling_images(
        std::vector<std::string> label_filters) override;
    net::awaitable<distribution_info> distribution_inspect(
        std::string reference, std::optional<registry_auth> auth) override;
    net::awaitable<build_result> build_image(build_options options,
                                             build_log_callback on_log) override;

    net::awaitable<std::optional<network_info>> inspect_network(std::string name_or_id) override;
    net::awaitable<void> connect_network(std::string network, std::string container,
                                         endpoint_options options) override;
    net::awaitable<void> disconnect_network(std::string network, std::string container,
                                            bool force) override;

    net::awaitable<events_end> watch_events(event_filter filter, event_callback on_event) override;

    net::awaitable<std::optional<service_info>> inspect_service(std::string name_or_id) override;
    net::awaitable<std::vector<std::string>> update_service(service_update update) override;
    net::awaitable<swarm_status> swarm_info() override;

  private:
    /// The negotiated API version ("1.41"), negotiating first when none is known yet.
    net::awaitable<std::string> api_version();
    /// "/v1.41" + path, negotiating first when no version is known yet.
    net::awaitable<std::string> versioned(std::string path);
    /// A plain call; throws docker_client::error for any status but 2xx and `also_accepted` (0:
    /// none).
    net::awaitable<http_reply> checked(http_call call, std::chrono::milliseconds timeout,
                                       unsigned also_accepted, std::string context);
    /// Deadline of a stop or restart: the grace period the daemon waits, plus the call timeout.
    net::awaitable<std::chrono::milliseconds> stop_deadline(const std::string& id,
                                                            const stop_options& options);

    transport transport_;
    client_options options_;
    std::mutex version_mutex_;
    std::string api_version_;
    std::optional<engine_version> known_version_;  ///< the last full negotiation
};

/// Throws docker_client::error carrying the reply's status and the daemon's message.
[[noreturn]] void throw_for_reply(const http_reply& reply, const std::string& context);

/// X-Registry-Auth for `auth`: base64url (with padding) of {"username","password","serveraddress"}.
std::string registry_auth_header(const registry_auth& auth);

}  // namespace docker_client::detail
