#include "api/api_query.hpp"

#include <algorithm>

namespace agent {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
        if (path.empty()) {
            parts.emplace_back();  // a trailing slash names no endpoint
        }
    }
    return parts;
}

// "?force=1": absent, 0/false/no → false; 1/true/yes → true; anything else → nullopt (400).
std::optional<bool> parse_flag(const std::string& value) {
    if (value.empty() || value == "0" || value == "false" || value == "no") {
        return false;
    }
    if (value == "1" || value == "true" || value == "yes") {
        return true;
    }
    return std::nullopt;
}

// Digits only; values beyond the maximum are clamped to it, 0 and anything else is nullopt.
std::optional<std::size_t> parse_limit(const std::string& value) {
    if (value.empty()) {
        return default_deployment_list_limit;
    }
    std::size_t n = 0;
    for (char c : value) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        n = n * 10 + static_cast<std::size_t>(c - '0');
        if (n > max_deployment_list_limit) {
            n = max_deployment_list_limit + 1;  // saturate: no overflow on long inputs
        }
    }
    if (n == 0) {
        return std::nullopt;
    }
    return std::min(n, max_deployment_list_limit);
}

// A deployment id: 1 to 18 digits, not starting with 0.
std::optional<std::int64_t> parse_id(std::string_view text) {
    if (text.empty() || text.size() > 18 || text.front() == '0') {
        return std::nullopt;
    }
    std::int64_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        n = n * 10 + (c - '0');
    }
    return n;
}

}  // namespace agent
