// Private to http/: what the accept loop (server.cpp) and the connections (session.cpp) share.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "http/body_budget.hpp"
#include "http/client_log_budget.hpp"
#include "http/connection_registry.hpp"
#include "http/server.hpp"

namespace agent {

struct http_server::state : std::enable_shared_from_this<http_server::state> {
    net::any_io_executor executor;
    server_options options;
    router routes;
    net::ip::tcp::acceptor acceptor;
    connection_registry connections;
    body_budget bodies;
    std::shared_ptr<client_log_budget> log_budget;
    std::size_t lingering = 0;

    state(net::any_io_executor ex, server_options opts, router r);

    /// True: log this client-caused line in full. False: it is counted for the summary line
    /// (logged once a second while lines are held back).
    bool may_log(std::string_view client, std::string_view code);
    void count_refusal(std::string_view reason);
    void count_request(std::string_view path, unsigned status,
                       std::chrono::steady_clock::time_point start);
};

/// Serves one accepted connection, registered as `slot`, until it closes; never throws.
net::awaitable<void> run_session(net::ip::tcp::socket socket, std::shared_ptr<http_server::state> s,
                                 connection_registry::handle slot);

/// Answers 503 "too many connections" and closes; never throws.
net::awaitable<void> refuse_busy(net::ip::tcp::socket socket,
                                 std::shared_ptr<http_server::state> s);

}  // namespace agent
