#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace agent {

namespace net = boost::asio;

/// Limits that keep one client from holding the agent: every request is read within
/// `read_timeout`, bodies above `body_limit` get 413, and connections beyond
/// `max_connections` are answered 503 and closed at once.
struct server_options {
    std::string address = "0.0.0.0";
    unsigned short port = 9000;
    std::size_t header_limit = 16 * 1024;
    std::size_t body_limit = 25 * 1024 * 1024;  ///< GitHub caps payloads at 25 MB
    std::chrono::milliseconds read_timeout{std::chrono::seconds{20}};
    std::chrono::milliseconds idle_timeout{std::chrono::seconds{30}};  ///< between keep-alive requests
    std::chrono::milliseconds write_timeout{std::chrono::seconds{20}};
    std::size_t max_connections = 512;
};

/// Called once per complete request; must not throw (a throw becomes a 500 and a log line).
using request_handler = std::function<net::awaitable<http_response>(http_request)>;

/// An HTTP/1.1 server: one coroutine per connection on the given executor.
class http_server {
public:
    http_server(net::any_io_executor executor, server_options options, request_handler handler);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    /// Binds and listens; returns the bound port (useful with port 0).
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
