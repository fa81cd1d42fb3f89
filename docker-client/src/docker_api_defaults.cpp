// Default bodies of the calls added to docker_api after the first cut: a test fake that does
// not override one fails loudly instead of failing to compile.
#include "docker_client/docker_api.hpp"

#include "docker_client/error.hpp"

namespace docker_client {

namespace {
[[noreturn]] void not_implemented(const char* call) {
    throw error(0, "",
                std::string("docker_api::") + call + " is not implemented by this docker_api");
}
}  // namespace

net::awaitable<std::vector<container_summary>> docker_api::list_containers(container_list_options) {
    not_implemented("list_containers");
    co_return std::vector<container_summary>{};
}

net::awaitable<void> docker_api::kill_container(std::string, std::string) {
    not_implemented("kill_container");
    co_return;
}

net::awaitable<wait_result> docker_api::wait_container(std::string, wait_options) {
    not_implemented("wait_container");
    co_return wait_result{};
}

net::awaitable<container_logs> docker_api::logs(std::string, log_options) {
    not_implemented("logs");
    co_return container_logs{};
}

net::awaitable<void> docker_api::tag_image(std::string, std::string, std::string) {
    not_implemented("tag_image");
    co_return;
}

net::awaitable<bool> docker_api::remove_image(std::string, image_remove_options) {
    not_implemented("remove_image");
    co_return false;
}

net::awaitable<prune_result> docker_api::prune_dangling_images(std::vector<std::string>) {
    not_implemented("prune_dangling_images");
    co_return prune_result{};
}

net::awaitable<distribution_info> docker_api::distribution_inspect(std::string,
                                                                   std::optional<registry_auth>) {
    not_implemented("distribution_inspect");
    co_return distribution_info{};
}

net::awaitable<build_result> docker_api::build_image(build_options, build_log_callback) {
    not_implemented("build_image");
    co_return build_result{};
}

net::awaitable<std::optional<network_info>> docker_api::inspect_network(std::string) {
    not_implemented("inspect_network");
    co_return std::nullopt;
}

net::awaitable<void> docker_api::connect_network(std::string, std::string, endpoint_options) {
    not_implemented("connect_network");
    co_return;
}

net::awaitable<void> docker_api::disconnect_network(std::string, std::string, bool) {
    not_implemented("disconnect_network");
    co_return;
}

net::awaitable<events_end> docker_api::watch_events(event_filter, event_callback) {
    not_implemented("watch_events");
    co_return events_end::cancelled;
}

net::awaitable<std::optional<service_info>> docker_api::inspect_service(std::string) {
    not_implemented("inspect_service");
    co_return std::nullopt;
}

net::awaitable<swarm_status> docker_api::swarm_info() {
    not_implemented("swarm_info");
    co_return swarm_status{};
}

net::awaitable<std::vector<std::string>> docker_api::update_service(service_update) {
    not_implemented("update_service");
    co_return std::vector<std::string>{};
}

}  // namespace docker_client
