#pragma once

#include <mutex>
#include <string>

#include "docker_client/client.hpp"
#include "transport.hpp"

namespace docker_client::detail {

/// The real docker_api: versioned paths, status checks and typed results over `transport`.
/// Calls are split by resource across engine_client.cpp, containers.cpp and images.cpp.
class engine_client final : public docker_api {
public:
    engine_client(net::any_io_executor executor, client_options options);

    net::awaitable<engine_version> ping() override;

    net::awaitable<std::optional<container_info>> inspect_container(std::string name_or_id) override;
    net::awaitable<std::string> create_container(std::string name, std::string create_body_json) override;
    net::awaitable<void> start_container(std::string id) override;
    net::awaitable<void> stop_container(std::string id, stop_options options) override;
    net::awaitable<void> restart_container(std::string id, stop_options options) override;
    net::awaitable<void> rename_container(std::string id, std::string new_name) override;
    net::awaitable<void> remove_container(std::string id, remove_options options) override;

    net::awaitable<std::optional<image_info>> inspect_image(std::string reference) override;
    net::awaitable<void> pull_image(std::string reference, std::optional<registry_auth> auth,
                                    progress_callback on_progress) override;

private:
    /// "/v1.41" + path, negotiating first when no version is known yet.
    net::awaitable<std::string> versioned(std::string path);
    /// A plain call; throws docker_client::error for any status but 2xx and `also_accepted` (0: none).
    net::awaitable<http_reply> checked(http_call call, std::chrono::milliseconds timeout,
                                       unsigned also_accepted,
                                       std::string context);
    std::chrono::milliseconds stop_deadline(const stop_options& options) const;

    transport transport_;
    client_options options_;
    std::mutex version_mutex_;
    std::string api_version_;
};

/// Throws docker_client::error carrying the reply's status and the daemon's message.
[[noreturn]] void throw_for_reply(const http_reply& reply, const std::string& context);

}  // namespace docker_client::detail
