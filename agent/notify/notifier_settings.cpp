// notifier_options_from_environment: NOTIFY_* and PUBLIC_URL.
#include <charconv>
#include <fstream>
#include <stdexcept>

#include "notify/notice.hpp"
#include "notify/notifier.hpp"

namespace agent::notify {

namespace {

const char* non_empty(const environment& env, const char* name) {
    const char* v = env.get(name);
    return (v != nullptr && *v != '\0') ? v : nullptr;
}

std::size_t read_count(const environment& env, const char* name, std::size_t fallback,
                       std::size_t min, std::size_t max) {
    const char* v = non_empty(env, name);
    if (v == nullptr) {
        return fallback;
    }
    std::string_view text(v);
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
        throw std::invalid_argument(std::string(name) + ": '" + std::string(text) +
                                    "' is not a whole number from " + std::to_string(min) +
                                    " to " + std::to_string(max));
    }
    return value;
}

}  // namespace

notifier_options notifier_options_from_environment(const environment& env) {
    notifier_options o;
    if (const char* urls = non_empty(env, "NOTIFY_URLS")) {
        for (const auto& url : split_list(urls)) {
            std::string problem;
            auto t = parse_target(url, problem);
            if (!t) {
                // The URL itself may hold a webhook's secret path: name its scheme only.
                throw std::invalid_argument("NOTIFY_URLS: an entry starting '" +
                                            url.substr(0, url.find("://") + 3) + "' " + problem);
            }
            o.targets.push_back(std::move(*t));
        }
    }
    if (const char* on = non_empty(env, "NOTIFY_ON")) {
        std::string problem;
        auto filter = parse_outcomes(split_list(on), problem);
        if (!filter) {
            throw std::invalid_argument("NOTIFY_ON: " + problem);
        }
        o.on = *filter;
    }
    if (const char* url = non_empty(env, "PUBLIC_URL")) {
        std::string_view u(url);
        if (!u.starts_with("http://") && !u.starts_with("https://")) {
            throw std::invalid_argument("PUBLIC_URL: '" + std::string(u) +
                                        "' is not an http(s):// URL");
        }
        while (u.ends_with('/')) {
            u.remove_suffix(1);
        }
        o.public_url = std::string(u);
    }
    o.attempts = read_count(env, "NOTIFY_ATTEMPTS", o.attempts, 1, 20);
    o.first_retry = std::chrono::milliseconds(read_count(
        env, "NOTIFY_RETRY_MS", static_cast<std::size_t>(o.first_retry.count()), 10, 600000));
    o.timeout = std::chrono::milliseconds(read_count(
        env, "NOTIFY_TIMEOUT_MS", static_cast<std::size_t>(o.timeout.count()), 100, 120000));
    if (const char* ca_file = non_empty(env, "NOTIFY_CA_FILE")) {
        // Its PEM is parsed at the first https notification; a wrong path is caught here.
        if (!std::ifstream(ca_file)) {
            throw std::invalid_argument(std::string("NOTIFY_CA_FILE: '") + ca_file +
                                        "' cannot be read");
        }
        o.ca_file = ca_file;
    }
    o.system_ca = system_ca_store_from(env);
    o.secrets = secret_values_from_environment(env);
    return o;
}

}  // namespace agent::notify
