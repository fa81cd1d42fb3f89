#include <map>

#include <boost/asio/use_awaitable.hpp>

#include "docker_client/error.hpp"
#include "docker_client/inspect.hpp"
#include "encoding.hpp"
#include "engine_client.hpp"
#include "json_util.hpp"

namespace docker_client::detail {

namespace {

// Docker's multiplexed stream: frames of [stream, 0, 0, 0, size (4 bytes, big endian)] + payload.
// A TTY container's logs are raw text instead; anything that does not frame exactly is raw.
container_logs demultiplex(const std::string& body) {
    container_logs out;
    std::size_t pos = 0;
    while (pos + 8 <= body.size()) {
        auto kind = static_cast<unsigned char>(body[pos]);
        bool header_ok =
            kind <= 2 && body[pos + 1] == 0 && body[pos + 2] == 0 && body[pos + 3] == 0;
        std::size_t size = 0;
        for (std::size_t i = 4; i < 8; ++i) {
            size = (size << 8) | static_cast<unsigned char>(body[pos + i]);
        }
        if (!header_ok || pos + 8 + size > body.size()) {
            break;
        }
        (kind == 2 ? out.err : out.out).append(body, pos + 8, size);
        pos += 8 + size;
    }
    if (pos != body.size()) {
        return {body, {}};
    }
    return out;
}

const char* condition_name(wait_condition c) {
    switch (c) {
        case wait_condition::next_exit:
            return "next-exit";
        case wait_condition::removed:
            return "removed";
        case wait_condition::not_running:
            break;
    }
    return "not-running";
}

std::string with_timeout(std::string path, const stop_options& options) {
    if (options.timeout_seconds) {
        path += "?t=" + std::to_string(*options.timeout_seconds);
    }
    return path;
}

}  // namespace

net::awaitable<std::optional<container_info>> engine_client::inspect_container(
    std::string name_or_id) {
    check_container_ref(name_or_id);
    http_call call{"GET", "/containers/" + percent_encode(name_or_id) + "/json", {}, {}, {}};
    http_reply reply = co_await checked(std::move(call), options_.call_timeout, 404,
                                        "inspect container " + name_or_id);
    if (reply.status == 404) {
        co_return std::nullopt;
    }
    co_return container_info_from_json(reply.body);
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
    http_call call{
        "POST", with_timeout("/containers/" + percent_encode(id) + "/stop", options), {}, {}, {}};
    auto deadline = co_await stop_deadline(id, options);
    co_await checked(std::move(call), deadline, 304, "stop container " + id);
}

net::awaitable<void> engine_client::restart_container(std::string id, stop_options options) {
    check_container_ref(id);
    http_call call{"POST",
                   with_timeout("/containers/" + percent_encode(id) + "/restart", options),
                   {},
                   {},
                   {}};
    auto deadline = co_await stop_deadline(id, options);
    co_await checked(std::move(call), deadline, 0, "restart container " + id);
}

net::awaitable<void> engine_client::rename_container(std::string id, std::string new_name) {
    check_container_ref(id);
    check_container_ref(new_name);
    http_call call{"POST",
                   "/containers/" + percent_encode(id) + "/rename?name=" + percent_encode(new_name),
                   {},
                   {},
                   {}};
    co_await checked(std::move(call), options_.call_timeout, 0,
                     "rename container " + id + " to " + new_name);
}

net::awaitable<void> engine_client::remove_container(std::string id, remove_options options) {
    check_container_ref(id);
    std::string query = std::string("?force=") + (options.force ? "1" : "0") +
                        "&v=" + (options.remove_volumes ? "1" : "0");
    http_call call{"DELETE", "/containers/" + percent_encode(id) + query, {}, {}, {}};
    co_await checked(std::move(call), options_.call_timeout, 0, "remove container " + id);
}

net::awaitable<std::vector<container_summary>> engine_client::list_containers(
    container_list_options options) {
    std::map<std::string, std::vector<std::string>> filters{{"label", options.labels},
                                                            {"name", options.names}};
    std::string target = std::string("/containers/json?all=") + (options.all ? "1" : "0") +
                         "&filters=" + percent_encode(filters_json(filters));
    http_call call{"GET", std::move(target), {}, {}, {}};
    http_reply reply =
        co_await checked(std::move(call), options_.call_timeout, 0, "list containers");
    auto doc = parse_json(reply.body, "container list");
    if (!doc.IsArray()) {
        throw error(reply.status, "", "container list: the engine did not answer with an array");
    }
    std::vector<container_summary> out;
    for (const auto& c : doc.GetArray()) {
        container_summary s;
        s.id = string_member(c, "Id");
        for (auto n : string_array_member(c, "Names")) {
            if (!n.empty() && n.front() == '/') {
                n.erase(0, 1);
            }
            s.names.push_back(std::move(n));
        }
        s.image = string_member(c, "Image");
        s.image_id = string_member(c, "ImageID");
        s.state = string_member(c, "State");
        s.status = string_member(c, "Status");
        s.labels = string_map_member(c, "Labels");
        s.created = int64_member(c, "Created", 0);
        out.push_back(std::move(s));
    }
    co_return out;
}

net::awaitable<void> engine_client::kill_container(std::string id, std::string signal) {
    check_container_ref(id);
    check_signal(signal);
    http_call call{"POST",
                   "/containers/" + percent_encode(id) + "/kill?signal=" + percent_encode(signal),
                   {},
                   {},
                   {}};
    co_await checked(std::move(call), options_.call_timeout, 0, "kill container " + id);
}

net::awaitable<wait_result> engine_client::wait_container(std::string id, wait_options options) {
    check_container_ref(id);
    http_call call{"POST",
                   "/containers/" + percent_encode(id) +
                       "/wait?condition=" + condition_name(options.condition),
                   {},
                   {},
                   {}};
    http_reply reply =
        co_await checked(std::move(call), options.timeout, 0, "wait for container " + id);
    auto doc = parse_json(reply.body, "container wait");
    wait_result r;
    r.status_code = int64_member(doc, "StatusCode", -1);
    if (const auto* err = object_member(doc, "Error")) {
        r.error = string_member(*err, "Message");
    }
    co_return r;
}

net::awaitable<container_logs> engine_client::logs(std::string id, log_options options) {
    check_container_ref(id);
    std::string query = std::string("?stdout=") + (options.stdout_lines ? "1" : "0") +
                        "&stderr=" + (options.stderr_lines ? "1" : "0") +
                        "&timestamps=" + (options.timestamps ? "1" : "0") + "&tail=" +
                        (options.tail ? std::to_string(*options.tail) : std::string("all"));
    http_call call{"GET", "/containers/" + percent_encode(id) + "/logs" + query, {}, {}, {}};
    http_reply reply =
        co_await checked(std::move(call), options_.call_timeout, 0, "logs of container " + id);
    co_return demultiplex(reply.body);
}

}  // namespace docker_client::detail
