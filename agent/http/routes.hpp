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
#include "http/route_limits.hpp"

// The route table: the endpoints register their handlers, each with its limits (body size, source
// allow-lists), where the program is assembled (cli/serve), so the transport knows none of them.

namespace agent {

/// Answers one request. The request stays alive until the returned coroutine completes; the
/// handler must not throw (the server turns a throw into a 500 and a log line).
using route_handler = std::function<boost::asio::awaitable<http_response>(const http_request&)>;

/// Paths, the handlers that answer them, and the limits the server holds them to.
class route_table {
  public:
    /// Requests for exactly `path`: `methods` ("POST"; "GET", "HEAD") are handed to `handler`,
    /// any other method is answered 405 with an Allow header naming them. `limits` hold for every
    /// request to `path`, whatever its method.
    void add(std::string path, std::vector<std::string> methods, route_handler handler,
             route_limits limits = {});
    /// Every path `owns` claims that no exact route has, any method (the handler answers 405
    /// itself). Owners are asked in the order they were added. `paths` says which, for the log
    /// (e.g. "/files/…").
    void add_owner(std::string paths, std::function<bool(std::string_view path)> owns,
                   route_handler handler, route_limits limits = {});

    struct exact_route {
        std::string path;
        std::vector<std::string> methods;
        route_handler handler;
        route_limits limits;
    };
    struct owner_route {
        std::string paths;
        std::function<bool(std::string_view)> owns;
        route_handler handler;
        route_limits limits;
    };
    /// The exact route for `path`, or null.
    const exact_route* exact(std::string_view path) const;
    /// The first owner of `path`, or null.
    const owner_route* owner(std::string_view path) const;
    /// The limits of the route `path` goes to (its exact route, else its owner); for a path no
    /// route has (a 404), none: the server's body limit, any source.
    const route_limits& limits_for(std::string_view path) const;

    /// The allow-lists the routes name, each once, in the order they are first named.
    std::vector<std::string> access_lists() const;
    /// The paths of the routes whose limits satisfy `which` (owners by their `paths`), in the
    /// order they were added; for the log.
    std::vector<std::string> paths_where(
        const std::function<bool(const route_limits&)>& which) const;
    /// The longest body any route takes, `fallback` (the server's body limit) for a route that
    /// names none; `fallback` when the table is empty.
    std::size_t largest_body_limit(std::size_t fallback) const;

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

    /// The routes, for the server to find a request's limits from its head.
    const route_table& table() const { return routes_; }

  private:
    /// 404 or 405 for `request`, logged within the client log budget.
    boost::asio::awaitable<http_response> unrouted(const http_request& request,
                                                   http_response answer);

    route_table routes_;
    std::shared_ptr<line_budget> unrouted_;  // 404 and 405 lines
};

}  // namespace agent
