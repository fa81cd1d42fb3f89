#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "http/access.hpp"
#include "http/message.hpp"

namespace agent {

namespace metrics {
struct agent_metrics;
}

namespace net = boost::asio;

/// Limits that keep one client from holding the agent:
/// - a request header must complete within `header_timeout` of its first byte, and the first
///   byte must come within `read_timeout` (first request) or `idle_timeout` (keep-alive);
/// - a body must keep arriving at `min_body_rate` bytes/s on average once `body_rate_grace`
///   has passed (enforced by a deadline on every read), and arrive whole within `read_timeout`;
/// - headers above `header_limit` get 431, bodies above `body_limit` get 413;
/// - connections beyond `max_connections` are answered 503 and closed at once.
/// Behind a tunnel, `trusted_proxies` says whose CF-Connecting-IP / X-Forwarded-For to believe,
/// and `access_rules` restrict endpoints to source networks (403 before the body is read).
struct server_options {
    std::string address = "0.0.0.0";
    unsigned short port = 9000;
    std::size_t header_limit = 16 * 1024;
    std::size_t body_limit = 25 * 1024 * 1024;  ///< GitHub caps payloads at 25 MB
    std::chrono::milliseconds read_timeout{std::chrono::seconds{20}};
    std::chrono::milliseconds header_timeout{std::chrono::seconds{10}};
    std::chrono::milliseconds idle_timeout{std::chrono::seconds{30}};  ///< between keep-alive requests
    std::chrono::milliseconds write_timeout{std::chrono::seconds{20}};
    std::size_t min_body_rate = 1024;  ///< bytes per second, averaged from the end of the header
    std::chrono::milliseconds body_rate_grace{std::chrono::seconds{1}};
    std::size_t max_connections = 512;
    cidr_list trusted_proxies;                  ///< peers whose forwarding headers are believed
    std::vector<endpoint_access_rule> access_rules;  ///< first matching rule decides
    /// Counters for requests, connections and refusals; not owned, may be null.
    metrics::agent_metrics* metrics = nullptr;
};

/// Called once per complete request; must not throw (a throw becomes a 500 and a log line).
/// The request's `client` is already resolved (see resolve_client_address).
using request_handler = std::function<net::awaitable<http_response>(http_request)>;

/// An HTTP/1.1 server: one coroutine per connection on the given executor.
class http_server {
public:
    http_server(net::any_io_executor executor, server_options options, request_handler handler);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    /// Binds and listens; returns the bound port (useful with port 0). Raises the process's
    /// open-file soft limit when it is too low for `max_connections`.
    /// Throws std::system_error naming the address when it cannot.
    unsigned short listen();
    /// Accepts connections until stop(); run it with co_spawn.
    net::awaitable<void> run();
    /// Stops accepting; open connections end at their next deadline or request.
    void stop();

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace agent
