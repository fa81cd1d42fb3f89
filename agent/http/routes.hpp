#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "http/client_log_budget.hpp"
#include "http/line_budget.hpp"
#include "http/message.hpp"

// The route table: the endpoints register their handlers where the program is assembled
// (cli/serve), so the transport knows none of them.

namespace agent {

/// Answers one request. The request stays alive until the returned coroutine completes; the
/// handler must not throw (the server turns a throw into a 500 and a log line).
using route_handler = std::function<boost::asio::awaitable<http_response>(const http_request&)>;

/// Paths and the handlers that answer them.
class route_table {
  public:
    /// Requests for exactly `path`: `methods` ("POST"; "GET", "HEAD") are handed to `handler`,
    /// any other method is answered 405 with an Allow header naming them.
    void add(std::string path, std::vector<std::string> methods, route_handler handler);
    /// Every path `owns` claims that no exact route has, any method (the handler answers 405
    /// itself). Owners are asked in the order they were added.
    void add_owner(std::function<bool(std::string_view path)> owns, route_handler handler);

    struct exact_route {
        std::string path;
        std::vector<std::string> methods;
        route_handler handler;
    };
    struct owner_route {
        std::function<bool(std::string_view)> owns;
        route_handler handler;
    };
    /// The exact route for `path`, or null.
    const exact_route* exact(std::string_view path) const;
    /// The first owner of `path`, or null.
    const owner_route* owner(std::string_view path) const;

  private:
    std::vector<exact_route> exact_;
    std::vector<owner_route> owners_;
};

/// Maps each request to its handler in the table; 404 and 405 for the rest, their lines within
/// the client log budget.
class router {
  public:
    /// `log_budget`: the budget of every line a client can cause, shared with the server
    /// (server_options::log_budget); null: one of `per_second` lines of the router's own.
    router(route_table routes, std::shared_ptr<client_log_budget> log_budget,
           std::size_t per_second = client_log_budget::default_per_second);

    /// Answers one request. Never throws.
    boost::asio::awaitable<http_response> handle(http_request request);

  private:
    /// 404 or 405 for `request`, logged within the client log budget.
    boost::asio::awaitable<http_response> unrouted(const http_request& request,
                                                   http_response answer);

    route_table routes_;
    std::shared_ptr<line_budget> unrouted_;  // 404 and 405 lines
};

}  // namespace agent
