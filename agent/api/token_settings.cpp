#include "api/token_settings.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "api/bearer_token.hpp"
#include "intake/signature.hpp"

namespace agent {

std::optional<std::chrono::seconds> parse_token_ttl(std::string_view text) {
    std::int64_t unit = 1;
    if (!text.empty()) {
        constexpr std::string_view suffixes = "smhd";
        constexpr std::int64_t units[] = {1, 60, 3600, 86400};
        if (auto k = suffixes.find(text.back()); k != std::string_view::npos) {
            unit = units[k];
            text.remove_suffix(1);
        }
    }
    if (text.empty() || text.size() > 9) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        n = n * 10 + (c - '0');
    }
    if (n == 0) {
        return std::nullopt;
    }
    return std::chrono::seconds{n * unit};
}

std::chrono::seconds token_max_ttl_from_environment(const environment& env) {
    const char* text = env.get("TOKEN_MAX_TTL");
    if (text == nullptr || *text == '\0') {
        return default_token_max_ttl;
    }
    auto ttl = parse_token_ttl(text);
    if (!ttl) {
        throw std::invalid_argument(std::string("TOKEN_MAX_TTL: '") + text +
                                    "' is not a lifetime (seconds, or a number with s, m, h or "
                                    "d: 3600, 12h, 30d)");
    }
    return *ttl;
}

std::string jwt_secret_problem(std::string_view jwt_secret,
                               const std::vector<std::pair<std::string, std::string>>& webhook_secrets) {
    if (jwt_secret.size() < min_jwt_secret_bytes) {
        return "JWT_SECRET is " + std::to_string(jwt_secret.size()) + " bytes; it must be at least " +
               std::to_string(min_jwt_secret_bytes) +
               " (make one with: openssl rand -hex 32)";
    }
    for (const auto& [name, value] : webhook_secrets) {
        if (!value.empty() && constant_time_equal(value, jwt_secret)) {
            return "JWT_SECRET is the same as " + name +
                   "; a webhook secret is shared with GitHub or Infisical, and whoever holds it "
                   "could mint API tokens: give JWT_SECRET a value of its own";
        }
    }
    return {};
}

std::string jwt_secret_problem_in_environment(std::string_view jwt_secret, const environment& env,
                                              const std::vector<std::string>& extra_envs) {
    std::vector<std::string> names = {"WEBHOOK_SECRET", "GITEA_WEBHOOK_SECRET",
                                      "GITLAB_WEBHOOK_TOKEN", "INFISICAL_WEBHOOK_SECRET"};
    for (const auto& name : extra_envs) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(name);
        }
    }
    std::vector<std::pair<std::string, std::string>> secrets;
    for (const auto& name : names) {
        if (auto secret = read_secret_from_env(env, name.c_str())) {
            secrets.emplace_back(name, secret->value);
        }
    }
    return jwt_secret_problem(jwt_secret, secrets);
}

}  // namespace agent
