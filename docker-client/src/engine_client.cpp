#include "engine_client.hpp"

#include <cstdlib>

#include <boost/asio/use_awaitable.hpp>

#include "docker_client/error.hpp"
#include "encoding.hpp"
#include "json_util.hpp"

namespace docker_client {

client_options options_from_variables(
    const std::function<const char*(std::string_view name)>& variable) {
    client_options options;
    if (const char* host = variable("DOCKER_HOST"); host != nullptr && *host != '\0') {
        options.host = host;
    } else if (const char* sock = variable("DOCKER_SOCK_PATH");
               sock != nullptr && *sock != '\0') {
        std::string_view s = sock;
        options.host = s.starts_with("unix://") ? std::string(s) : "unix://" + std::string(s);
    }
    return options;
}

client_options options_from_environment() {
    return options_from_variables(
        [](std::string_view name) { return std::getenv(std::string(name).c_str()); });
}

std::unique_ptr<docker_api> make_client(net::any_io_executor executor, client_options options) {
    return std::make_unique<detail::engine_client>(std::move(executor), std::move(options));
}

}  // namespace docker_client

namespace docker_client::detail {

void throw_for_reply(const http_reply& reply, const std::string& context) {
    throw error(reply.status, daemon_message(reply.body),
                context + " (HTTP " + std::to_string(reply.status) + ")");
}

engine_client::engine_client(net::any_io_executor executor, client_options options)
    : transport_(std::move(executor), options), options_(std::move(options)) {}

net::awaitable<engine_version> engine_client::ping() {
    http_call ping_call{"GET", "/_ping", {}, {}, {}};
    http_reply pong = co_await transport_.call(std::move(ping_call), options_.call_timeout);
    if (pong.status != 200) {
        throw_for_reply(pong, "ping of the Docker Engine at " + options_.host);
    }
    engine_version v;
    v.daemon_api_version = pong.header("Api-Version");
    if (v.daemon_api_version.empty()) {
        throw error(
            pong.status, "",
            "the engine at " + options_.host + " answered /_ping without an Api-Version header");
    }
    if (compare_api_versions(v.daemon_api_version, oldest_api_version) < 0) {
        throw error(0, "",
                    "the Docker Engine at " + options_.host + " speaks API " +
                        v.daemon_api_version + "; deploy-agent needs " + oldest_api_version +
                        " or newer (Docker 20.10+): upgrade the engine");
    }
    v.api_version = compare_api_versions(v.daemon_api_version, newest_api_version) > 0
                        ? newest_api_version
                        : v.daemon_api_version;
    {
        std::lock_guard lock(version_mutex_);
        api_version_ = v.api_version;
        // /version makes the daemon ask containerd and exec runc (tens of ms): ask once per
        // daemon API version, not on every liveness ping.
        if (known_version_ && known_version_->daemon_api_version == v.daemon_api_version) {
            co_return *known_version_;
        }
    }
    http_call version_call{"GET", "/v" + v.api_version + "/version", {}, {}, {}};
    http_reply version = co_await transport_.call(std::move(version_call), options_.call_timeout);
    if (version.status != 200) {
        throw_for_reply(version, "GET /version");
    }
    auto doc = parse_json(version.body, "GET /version");
    v.min_api_version = string_member(doc, "MinAPIVersion");
    v.engine_version = string_member(doc, "Version");
    v.os = string_member(doc, "Os");
    if (!v.min_api_version.empty() && compare_api_versions(v.api_version, v.min_api_version) < 0) {
        throw error(0, "",
                    "the Docker Engine at " + options_.host + " accepts API " + v.min_api_version +
                        " and newer, but this client knows at most " + newest_api_version +
                        ": upgrade deploy-agent");
    }
    {
        std::lock_guard lock(version_mutex_);
        known_version_ = v;
    }
    co_return v;
}

net::awaitable<std::string> engine_client::api_version() {
    std::string version;
    {
        std::lock_guard lock(version_mutex_);
        version = api_version_;
    }
    if (version.empty()) {
        engine_version v = co_await ping();
        version = v.api_version;
    }
    co_return version;
}

net::awaitable<std::string> engine_client::versioned(std::string path) {
    std::string version = co_await api_version();
    co_return "/v" + version + path;
}

net::awaitable<http_reply> engine_client::checked(http_call call, std::chrono::milliseconds timeout,
                                                  unsigned also_accepted, std::string context) {
    call.target = co_await versioned(std::move(call.target));
    http_reply reply = co_await transport_.call(std::move(call), timeout);
    if (reply.status / 100 == 2) {
        co_return reply;
    }
    if (also_accepted != 0 && reply.status == also_accepted) {
        co_return reply;
    }
    throw_for_reply(reply, context);
}

net::awaitable<std::chrono::milliseconds> engine_client::stop_deadline(
    const std::string& id, const stop_options& options) {
    // The daemon waits up to the stop timeout before it kills; allow that plus the usual margin.
    // With no timeout given the container's own StopTimeout applies (the daemon's default is
    // 10 s), so read it: a deadline shorter than the grace would report a good stop as a failure.
    int grace = 10;
    if (options.timeout_seconds) {
        grace = *options.timeout_seconds;
    } else if (auto info = co_await inspect_container(id); info && info->stop_timeout) {
        grace = *info->stop_timeout;
    }
    co_return options_.call_timeout + std::chrono::seconds(grace < 0 ? 0 : grace);
}

}  // namespace docker_client::detail
