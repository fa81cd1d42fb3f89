#include "secrets/infisical_settings.hpp"

#include <cstdlib>
#include <stdexcept>

#include "secrets/secret_url.hpp"

namespace agent {

namespace {

std::string env_or(const environment& env, const char* name, std::string fallback) {
    const char* v = env.get(name);
    if (v == nullptr || *v == '\0') {
        return fallback;
    }
    std::string s(v);
    // A value pasted from a file keeps its newline; it would corrupt a header or a URL.
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
        s.pop_back();
    }
    return s;
}

// A non-negative decimal number of `unit`s (fractions allowed: tests poll every few seconds).
std::chrono::milliseconds duration_from_env(const environment& env, const char* name,
                                            std::chrono::milliseconds unit,
                                            const char* unit_name,
                                            std::chrono::milliseconds fallback) {
    const std::string v = env_or(env, name, "");
    if (v.empty()) {
        return fallback;
    }
    char* end = nullptr;
    const double count = std::strtod(v.c_str(), &end);
    const double millis = count * static_cast<double>(unit.count());
    if (end == v.c_str() || *end != '\0' || !(count >= 0) || millis > 1e12) {
        throw std::invalid_argument(std::string(name) + "='" + v + "' is not a number of " +
                                    unit_name + " (0 or more)");
    }
    return std::chrono::milliseconds(static_cast<long long>(millis));
}

}  // namespace

infisical_settings infisical_settings_from_environment(const environment& env) {
    infisical_settings s;
    s.api_url = env_or(env, "INFISICAL_API_URL", s.api_url);
    while (s.api_url.size() > 1 && s.api_url.back() == '/') {
        s.api_url.pop_back();
    }
    std::string problem;
    if (!parse_secret_url(s.api_url, &problem)) {
        throw std::invalid_argument("INFISICAL_API_URL='" + s.api_url + "': " + problem);
    }
    s.client_id = env_or(env, "INFISICAL_CLIENT_ID", "");
    s.client_secret = env_or(env, "INFISICAL_CLIENT_SECRET", "");
    s.service_token = env_or(env, "INFISICAL_TOKEN", "");
    if (s.client_id.empty() != s.client_secret.empty()) {
        throw std::invalid_argument(
            "INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET go together: set both or neither");
    }
    s.ca_file = env_or(env, "INFISICAL_CA_FILE", "");
    s.system_ca = system_ca_store_from(env);
    using std::chrono::milliseconds;
    s.sync_interval = duration_from_env(env, "INFISICAL_SYNC_INTERVAL_MINUTES",
                                        milliseconds(60'000), "minutes", s.sync_interval);
    s.cache_max_age = duration_from_env(env, "INFISICAL_CACHE_MAX_AGE_MINUTES",
                                        milliseconds(60'000), "minutes", s.cache_max_age);
    s.call_deadline = duration_from_env(env, "INFISICAL_TIMEOUT_SECONDS", milliseconds(1'000),
                                        "seconds", s.call_deadline);
    if (s.call_deadline.count() == 0) {
        throw std::invalid_argument("INFISICAL_TIMEOUT_SECONDS must be more than 0");
    }
    return s;
}

std::string service_token_access_part(const std::string& token) {
    if (!token.starts_with("st.")) {
        return token;
    }
    std::size_t dots = 0;
    for (char c : token) {
        dots += c == '.' ? 1 : 0;
    }
    if (dots < 3) {
        return token;
    }
    return token.substr(0, token.rfind('.'));
}

}  // namespace agent
