#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

#include "docker_client/docker_api.hpp"

namespace docker_client {

/// Where the engine is and how long calls may take.
struct client_options {
    std::string host = "unix:///var/run/docker.sock";  ///< unix:///path or tcp://host:port
    std::chrono::milliseconds connect_timeout{std::chrono::seconds{5}};
    std::chrono::milliseconds call_timeout{
        std::chrono::seconds{30}};  ///< plain request/response calls
    std::chrono::milliseconds stream_idle_timeout{
        std::chrono::minutes{5}};  ///< pull/build: reset on every byte
    std::size_t response_body_limit = 64u * 1024u * 1024u;
    /// Told about each failed exchange with the engine: "transport" (connect, write, read or
    /// deadline failed, or a reply too large or malformed), "4xx" or "5xx" (a refusal; 404 and
    /// 304 are answers, not failures). For the agent's metrics; must not throw.
    std::function<void(std::string_view kind)> on_failure;
    /// Told about each exchange with the engine before it is sent: the method ("GET") and the
    /// endpoint as docs/docker-endpoints.md lists it (endpoint_template: no version prefix, no
    /// query, names and ids as `{id}`/`{name}`). The agent logs it at trace level; the tests
    /// compare what it reports with the documented list. Must not throw.
    std::function<void(std::string_view method, std::string_view endpoint)> on_call;
};

/// The endpoint a request target calls, as docs/docker-endpoints.md writes it:
/// "/v1.47/containers/web%2Fx/json?size=1" -> "/containers/{id}/json",
/// "/v1.47/images/reg%3A5000%2Fapp%3Av2/json" -> "/images/{name}/json"; fixed names
/// ("/containers/create", "/images/prune") stay as they are.
std::string endpoint_template(std::string_view target);

/// Options from DOCKER_HOST, else DOCKER_SOCK_PATH, else the default socket, each as `variable`
/// gives it (nullptr when unset): the agent passes the environment it read at start.
client_options options_from_variables(
    const std::function<const char*(std::string_view name)>& variable);

/// options_from_variables over the process environment.
client_options options_from_environment();

/// The real client over a unix socket or TCP. The executor must outlive it.
/// Throws std::invalid_argument when `options.host` is not a unix:// or tcp:// address.
std::unique_ptr<docker_api> make_client(net::any_io_executor executor, client_options options);

/// The newest API version this client is written against; negotiation never goes above it.
inline constexpr const char* newest_api_version = "1.47";
/// The oldest engine API the client supports (Docker 20.10).
inline constexpr const char* oldest_api_version = "1.41";

}  // namespace docker_client
