#include "cli/settings.hpp"

#include <charconv>
#include <stdexcept>

#include "common/log.hpp"
#include "common/text.hpp"

namespace agent {

namespace {

unsigned short parse_port(std::string_view text, std::string_view what) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || value > 65535) {
        throw std::invalid_argument(std::string(what) + ": '" + std::string(text) +
                                    "' is not a port number (0-65535)");
    }
    return static_cast<unsigned short>(value);
}

unsigned parse_unsigned(std::string_view text, std::string_view what, unsigned max) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || value > max) {
        throw std::invalid_argument(std::string(what) + ": '" + std::string(text) +
                                    "' is not a whole number from 0 to " + std::to_string(max));
    }
    return value;
}

const char* non_empty(const environment& env, const char* name) {
    const char* v = env.get(name);
    return (v != nullptr && *v != '\0') ? v : nullptr;
}

}  // namespace

agent_settings settings_from_environment(const environment& env) {
    agent_settings s;
    s.env = env;
    if (const char* v = non_empty(env, "MANIFEST_PATH")) {
        s.manifest_path = v;
    }
    if (const char* v = non_empty(env, "LISTEN_ADDRESS")) {
        s.listen_address = v;
    }
    if (const char* v = non_empty(env, "PORT")) {
        s.port = parse_port(v, "PORT");
    }
    if (const char* v = non_empty(env, "DATA_DIR")) {
        s.data_dir = v;
    }
    if (const char* v = non_empty(env, "DEPLOY_DEBOUNCE_MS")) {
        s.debounce_ms = parse_unsigned(v, "DEPLOY_DEBOUNCE_MS", 600000);
    }
    if (const char* v = non_empty(env, "MAX_CONCURRENT_DEPLOYS")) {
        s.max_concurrent_deploys = parse_unsigned(v, "MAX_CONCURRENT_DEPLOYS", 64);
        if (s.max_concurrent_deploys == 0) {
            throw std::invalid_argument("MAX_CONCURRENT_DEPLOYS: must be at least 1");
        }
    }
    if (const char* v = non_empty(env, "RETENTION_DAYS")) {
        s.retention_days = parse_unsigned(v, "RETENTION_DAYS", 36500);
    }
    if (const char* v = non_empty(env, "REFUSALS_LOGGED_PER_SECOND")) {
        s.refusals_per_second = parse_unsigned(v, "REFUSALS_LOGGED_PER_SECOND", 1000000);
        if (s.refusals_per_second == 0) {
            throw std::invalid_argument("REFUSALS_LOGGED_PER_SECOND: must be at least 1");
        }
    }
    return s;
}

docker_client::client_options engine_options_from(const environment& env) {
    auto options = docker_client::options_from_variables(
        [&env](std::string_view name) { return env.get(name); });
    // LOG_LEVEL=trace lists each Engine API call as docs/docker-endpoints.md names it: what a
    // socket proxy must allow (the end-to-end tests compare these lines with that list).
    options.on_call = [](std::string_view method, std::string_view endpoint) {
        spdlog::trace("engine call: {} {}", method, endpoint);
    };
    return options;
}

deploy_settings deploy_settings_of(const agent_settings& settings) {
    deploy_settings deploy = deploy_settings_from_environment(settings.env);
    deploy.before_recreate_step = settings.before_recreate_step;
    return deploy;
}

void apply_listen_flag(agent_settings& settings, const std::string& listen) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
        settings.port = parse_port(listen, "--listen");
        return;
    }
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (!host.empty()) {
        settings.listen_address = host;
    }
    settings.port = parse_port(std::string_view(listen).substr(colon + 1), "--listen");
}

bool env_flag(const environment& env, const char* name) {
    const char* v = non_empty(env, name);
    if (v == nullptr) {
        return false;
    }
    for (const char* yes : {"1", "true", "yes", "on"}) {
        if (iequals(v, yes)) {
            return true;
        }
    }
    return false;
}

}  // namespace agent
