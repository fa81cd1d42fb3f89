#include "http/routes.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/escape.hpp"
#include "common/log.hpp"
#include "http/answer.hpp"

namespace agent {

void route_table::add(std::string path, std::vector<std::string> methods, route_handler handler,
                      route_limits limits) {
    exact_.push_back(
        exact_route{std::move(path), std::move(methods), std::move(handler), std::move(limits)});
}

void route_table::add_owner(std::string paths, std::function<bool(std::string_view path)> owns,
                            route_handler handler, route_limits limits) {
    owners_.push_back(
        owner_route{std::move(paths), std::move(owns), std::move(handler), std::move(limits)});
}

const route_table::exact_route* route_table::exact(std::string_view path) const {
    auto it = std::find_if(exact_.begin(), exact_.end(),
                           [&](const exact_route& r) { return r.path == path; });
    return it == exact_.end() ? nullptr : &*it;
}

const route_table::owner_route* route_table::owner(std::string_view path) const {
    auto it = std::find_if(owners_.begin(), owners_.end(),
                           [&](const owner_route& r) { return r.owns(path); });
    return it == owners_.end() ? nullptr : &*it;
}

const route_limits& route_table::limits_for(std::string_view path) const {
    static const route_limits unrouted;
    if (const auto* route = exact(path)) {
        return route->limits;
    }
    if (const auto* route = owner(path)) {
        return route->limits;
    }
    return unrouted;
}

std::vector<std::string> route_table::access_lists() const {
    std::vector<std::string> names;
    auto note = [&names](const route_limits& limits) {
        for (const auto& name : limits.access) {
            if (std::find(names.begin(), names.end(), name) == names.end()) {
                names.push_back(name);
            }
        }
    };
    for (const auto& route : exact_) {
        note(route.limits);
    }
    for (const auto& route : owners_) {
        note(route.limits);
    }
    return names;
}

std::vector<std::string> route_table::paths_where(
    const std::function<bool(const route_limits&)>& which) const {
    std::vector<std::string> paths;
    for (const auto& route : exact_) {
        if (which(route.limits)) {
            paths.push_back(route.path);
        }
    }
    for (const auto& route : owners_) {
        if (which(route.limits)) {
            paths.push_back(route.paths);
        }
    }
    return paths;
}

std::size_t route_table::largest_body_limit(std::size_t fallback) const {
    std::size_t largest = fallback;
    for (const auto& route : exact_) {
        largest = std::max(largest, route.limits.body_limit.value_or(fallback));
    }
    for (const auto& route : owners_) {
        largest = std::max(largest, route.limits.body_limit.value_or(fallback));
    }
    return largest;
}

router::router(route_table routes, std::shared_ptr<client_log_budget> log_budget,
               std::size_t per_second)
    : routes_(std::move(routes)),
      unrouted_(log_budget
                    ? std::make_shared<line_budget>("client errors", "http", std::move(log_budget),
                                                    nullptr)
                    : std::make_shared<line_budget>("client errors", "http", per_second, nullptr)) {
}

boost::asio::awaitable<http_response> router::handle(http_request request) {
    const std::string_view path = request.path();
    if (const auto* route = routes_.exact(path)) {
        const auto& methods = route->methods;
        if (std::find(methods.begin(), methods.end(), request.method) == methods.end()) {
            // Named first: g++ 12 mishandles temporaries built inside a co_await expression.
            http_response answer = method_not_allowed(fmt::format("{}", fmt::join(methods, ", ")));
            http_response refused = co_await unrouted(request, std::move(answer));
            co_return refused;
        }
        http_response answer = co_await route->handler(request);
        co_return answer;
    }
    if (const auto* route = routes_.owner(path)) {
        http_response answer = co_await route->handler(request);
        co_return answer;
    }
    http_response answer = error_answer(outcome::not_found, "not found");
    http_response missing = co_await unrouted(request, std::move(answer));
    co_return missing;
}

boost::asio::awaitable<http_response> router::unrouted(const http_request& request,
                                                       http_response answer) {
    // Anyone can send these by the thousand: the lines are budgeted, the path cut and escaped.
    std::string code = answer.status == 404 ? "404" : "405";
    if (co_await unrouted_->admit(request.client, std::move(code))) {
        spdlog::info("{} {} {} {}", request.client, escape_untrusted(request.method, 32),
                     escape_untrusted(request.path()), answer.status);
    }
    co_return answer;
}

}  // namespace agent
