#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "http/access.hpp"
#include "http/client_log_budget.hpp"
#include "http/message.hpp"
#include "http/routes.hpp"

namespace agent {

namespace metrics {
struct agent_metrics;
}

namespace net = boost::asio;

/// Limits that keep one client, or many, from holding the agent:
/// - the first byte of a connection must come within `first_byte_timeout`, of a keep-alive
///   request within `idle_timeout`; a header must then complete within `header_timeout`;
/// - a body must keep arriving at `min_body_rate` bytes/s on average once `body_rate_grace`
///   has passed, and arrive whole within `read_timeout`, however fast it is sent;
/// - the header, a chunk-size line with its extensions, the trailer section, and the chunk
///   extensions of a request together must each fit in `header_limit` (431);
/// - a body may be as long as its route's limit says (route_limits::body_limit), `body_limit`
///   where the route names none (413, decided from the path before the body is read), and all
///   bodies held at once may not exceed `max_inflight_body_bytes` (503);
/// - at `max_connections` (or `max_connections_per_client` from one address), a new connection
///   evicts the oldest one with no request in progress, else the oldest whose answer has not
///   moved for a second; when there is none, it is answered 503 and closed;
/// - an answer must keep moving: a write with no progress for `write_stall_timeout` ends the
///   connection, and the whole answer must be written within `write_timeout`.
/// Behind a tunnel, `trusted_proxies` says whose CF-Connecting-IP / X-Forwarded-For to believe,
/// and the `access_lists` a route names restrict it to source networks (403 before the body is
/// read).
struct server_options {
    std::string address = "0.0.0.0";
    unsigned short port = 9000;
    std::size_t header_limit = 16 * 1024;
    std::size_t body_limit = 16 * 1024;  ///< for a route whose limits name none
    /// server_options_from_environment makes it twice the largest body a route takes.
    std::size_t max_inflight_body_bytes = 50 * 1024 * 1024;
    std::chrono::milliseconds first_byte_timeout{std::chrono::seconds{5}};
    std::chrono::milliseconds read_timeout{std::chrono::seconds{20}};
    std::chrono::milliseconds header_timeout{std::chrono::seconds{10}};
    std::chrono::milliseconds idle_timeout{
        std::chrono::seconds{30}};  ///< between keep-alive requests
    std::chrono::milliseconds write_timeout{std::chrono::seconds{20}};
    /// A write that makes no progress for this long ends its connection (a client that does not
    /// read its answers), and makes it evictable at the connection caps after a second.
    std::chrono::milliseconds write_stall_timeout{std::chrono::seconds{5}};
    std::size_t min_body_rate = 1024;  ///< bytes per second, averaged from the end of the header
    std::chrono::milliseconds body_rate_grace{std::chrono::seconds{1}};
    std::size_t max_connections = 512;
    /// Connections from one TCP peer (trusted proxies excepted: their clients share them); at
    /// the cap a new one evicts that peer's oldest idle or write-stalled one, else gets 503.
    std::size_t max_connections_per_client = 64;
    cidr_list trusted_proxies;  ///< peers whose forwarding headers are believed
    /// The allow-lists routes name (route_limits::access), those configured.
    std::vector<access_list> access_lists;
    /// Counters for requests, connections and refusals; not owned, may be null.
    metrics::agent_metrics* metrics = nullptr;
    /// Lines a client can cause (400, 403, 413, 431, 503, dropped and refused connections);
    /// share it with the router so that one budget holds for all. Null: the server makes its own.
    std::shared_ptr<client_log_budget> log_budget;
};

/// An HTTP/1.1 server: one coroutine per connection on the given executor. Each request's route
/// is found from its head, whose limits are checked before the body is read; the whole request
/// then goes to the router (its `client` already resolved: see resolve_client_address).
class http_server {
  public:
    http_server(net::any_io_executor executor, server_options options, router routes);
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
