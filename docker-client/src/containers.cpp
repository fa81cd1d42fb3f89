#include <boost/asio/use_awaitable.hpp>

#include "docker_client/error.hpp"
#include "encoding.hpp"
#include "engine_client.hpp"
#include "json_util.hpp"

namespace docker_client::detail {

namespace {

container_info to_container_info(std::string raw) {
    auto doc = parse_json(raw, "container inspect");
    container_info info;
    info.id = string_member(doc, "Id");
    info.name = string_member(doc, "Name");
    if (!info.name.empty() && info.name.front() == '/') {
        info.name.erase(0, 1);
    }
    info.image_id = string_member(doc, "Image");
    if (const auto* config = object_member(doc, "Config")) {
        info.image = string_member(*config, "Image");
        info.labels = string_map_member(*config, "Labels");
    }
    if (const auto* state = object_member(doc, "State")) {
        info.state.status = string_member(*state, "Status");
        info.state.running = bool_member(*state, "Running");
        info.state.exit_code = int_member(*state, "ExitCode", 0);
        info.state.started_at = string_member(*state, "StartedAt");
        info.state.finished_at = string_member(*state, "FinishedAt");
        info.state.error = string_member(*state, "Error");
        if (const auto* health = object_member(*state, "Health")) {
            info.state.health = string_member(*health, "Status");
        }
    }
    info.raw_json = std::move(raw);
    return info;
}

std::string with_timeout(std::string path, const stop_options& options) {
    if (options.timeout_seconds) {
        path += "?t=" + std::to_string(*options.timeout_seconds);
    }
    return path;
}

}  // namespace

net::awaitable<std::optional<container_info>> engine_client::inspect_container(std::string name_or_id) {
    check_container_ref(name_or_id);
    http_call call{"GET", "/containers/" + percent_encode(name_or_id) + "/json", {}, {}, {}};
    http_reply reply = co_await checked(std::move(call), options_.call_timeout, 404,
                                        "inspect container " + name_or_id);
    if (reply.status == 404) {
        co_return std::nullopt;
    }
    co_return to_container_info(std::move(reply.body));
}

net::awaitable<std::string> engine_client::create_container(std::string name, std::string create_body_json) {
    check_container_ref(name);
    http_call call{"POST", "/containers/create?name=" + percent_encode(name),
                   std::move(create_body_json), "application/json", {}};
    http_reply reply =
        co_await checked(std::move(call), options_.call_timeout, 0, "create container " + name);
    auto doc = parse_json(reply.body, "container create");
    std::string id = string_member(doc, "Id");
    if (id.empty()) {
        throw error(reply.status, "", "create container " + name + ": the engine returned no id");
    }
    co_return id;
}

net::awaitable<void> engine_client::start_container(std::string id) {
    check_container_ref(id);
    // 304: already started.
    http_call call{"POST", "/containers/" + percent_encode(id) + "/start", {}, {}, {}};
    co_await checked(std::move(call), options_.call_timeout, 304, "start container " + id);
}

net::awaitable<void> engine_client::stop_container(std::string id, stop_options options) {
    check_container_ref(id);
    // 304: already stopped.
    http_call call{"POST", with_timeout("/containers/" + percent_encode(id) + "/stop", options), {}, {}, {}};
    co_await checked(std::move(call), stop_deadline(options), 304, "stop container " + id);
}

net::awaitable<void> engine_client::restart_container(std::string id, stop_options options) {
    check_container_ref(id);
    http_call call{"POST", with_timeout("/containers/" + percent_encode(id) + "/restart", options), {}, {}, {}};
    co_await checked(std::move(call), stop_deadline(options), 0, "restart container " + id);
}

net::awaitable<void> engine_client::rename_container(std::string id, std::string new_name) {
    check_container_ref(id);
    check_container_ref(new_name);
    http_call call{"POST", "/containers/" + percent_encode(id) + "/rename?name=" + percent_encode(new_name),
                   {}, {}, {}};
    co_await checked(std::move(call), options_.call_timeout, 0, "rename container " + id + " to " + new_name);
}

net::awaitable<void> engine_client::remove_container(std::string id, remove_options options) {
    check_container_ref(id);
    std::string query = std::string("?force=") + (options.force ? "1" : "0") +
                        "&v=" + (options.remove_volumes ? "1" : "0");
    http_call call{"DELETE", "/containers/" + percent_encode(id) + query, {}, {}, {}};
    co_await checked(std::move(call), options_.call_timeout, 0, "remove container " + id);
}

}  // namespace docker_client::detail
