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

void add_rule(server_options& o, const environment& env, const char* name,
              std::vector<std::string> paths) {
    if (auto text = non_empty(env, name)) {
        auto allowed = cidrs_from(name, *text);
        if (!allowed.empty()) {
            o.access_rules.push_back(
                endpoint_access_rule{name, std::move(paths), std::move(allowed)});
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

server_options server_options_from_environment(server_options base, const environment& env) {
    if (auto value = positive_number(env, "MAX_CONNECTIONS")) {
        base.max_connections = *value;
    }
    if (auto value = positive_number(env, "MAX_INFLIGHT_BODY_BYTES")) {
        if (*value < base.webhook_body_limit) {
            throw std::invalid_argument("MAX_INFLIGHT_BODY_BYTES: " + std::to_string(*value) +
                                        " is less than one webhook body may be (" +
                                        std::to_string(base.webhook_body_limit) + ")");
        }
        base.max_inflight_body_bytes = *value;
    }
    if (auto text = non_empty(env, "TRUSTED_PROXIES")) {
        base.trusted_proxies = cidrs_from("TRUSTED_PROXIES", *text);
    }
    // Specific lists first: the first matching rule decides.
    add_rule(base, env, "GITHUB_WEBHOOK_ALLOWED_CIDRS", {"/webhook", "/webhooks/github"});
    add_rule(base, env, "INFISICAL_WEBHOOK_ALLOWED_CIDRS",
             {"/webhooks/infisical", "/webhooks/infisical/test"});
    add_rule(base, env, "WEBHOOK_ALLOWED_CIDRS", {"/webhook", "/webhooks/"});
    add_rule(base, env, "API_ALLOWED_CIDRS", {"/api", "/api/"});
    add_rule(base, env, "METRICS_ALLOWED_CIDRS", {"/metrics"});
    return base;
}

}  // namespace agent
