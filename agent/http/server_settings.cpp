#include "http/server_settings.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace agent {

namespace {

std::optional<std::string> non_empty(const environment& env, const char* name) {
    const char* v = env.get(name);
    if (v == nullptr || *v == '\0') {
        return std::nullopt;
    }
    return std::string(v);
}

cidr_list cidrs_from(const char* name, const std::string& text) {
    try {
        return cidr_list::parse(text);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(name) + ": " + e.what());
    }
}

void add_list(server_options& o, const environment& env, const std::string& name) {
    if (auto text = non_empty(env, name.c_str())) {
        auto allowed = cidrs_from(name.c_str(), *text);
        if (!allowed.empty()) {
            o.access_lists.push_back(access_list{name, std::move(allowed)});
        }
    }
}

std::optional<std::size_t> positive_number(const environment& env, const char* name) {
    auto text = non_empty(env, name);
    if (!text) {
        return std::nullopt;
    }
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || value == 0) {
        throw std::invalid_argument(std::string(name) + ": '" + *text +
                                    "' is not a positive whole number");
    }
    return value;
}

}  // namespace

server_options server_options_from_environment(server_options base, const environment& env,
                                               const route_table& routes) {
    if (auto value = positive_number(env, "MAX_CONNECTIONS")) {
        base.max_connections = *value;
    }
    if (auto value = positive_number(env, "MAX_CONNECTIONS_PER_CLIENT")) {
        base.max_connections_per_client = *value;
    }
    if (auto value = positive_number(env, "WRITE_STALL_TIMEOUT_MS")) {
        base.write_stall_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(*value));
    }
    const std::size_t largest_body = routes.largest_body_limit(base.body_limit);
    base.max_inflight_body_bytes = 2 * largest_body;
    if (auto value = positive_number(env, "MAX_INFLIGHT_BODY_BYTES")) {
        if (*value < largest_body) {
            throw std::invalid_argument("MAX_INFLIGHT_BODY_BYTES: " + std::to_string(*value) +
                                        " is less than one request body may be (" +
                                        std::to_string(largest_body) + ")");
        }
        base.max_inflight_body_bytes = *value;
    }
    if (auto text = non_empty(env, "TRUSTED_PROXIES")) {
        base.trusted_proxies = cidrs_from("TRUSTED_PROXIES", *text);
    }
    for (const auto& name : routes.access_lists()) {
        add_list(base, env, name);
    }
    return base;
}

}  // namespace agent
