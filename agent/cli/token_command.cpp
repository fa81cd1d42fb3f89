#include "cli/token_command.hpp"

#include <cstdint>
#include <ctime>
#include <string>

#include "intake/bearer_token.hpp"
#include "intake/signature.hpp"

namespace agent {

namespace {

// The token's subject: what the API logs as the actor of a manual deploy. Not "cli", which
// the planner reserves for `deploy-agent deploy`.
constexpr const char* token_subject = "operator";

std::string utc_text(std::chrono::system_clock::time_point t) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

}  // namespace

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

int run_token_command(std::chrono::seconds ttl, std::ostream& out, std::ostream& err) {
    auto secret = read_secret_from_env("JWT_SECRET");
    if (!secret) {
        err << "deploy-agent token: JWT_SECRET is not set (or empty): set it to the same value "
               "the server runs with\n";
        return 2;
    }
    if (ttl.count() <= 0 || ttl > max_token_ttl) {
        err << "deploy-agent token: --ttl must be between 1s and " << max_token_ttl.count() / 86400
            << "d\n";
        return 2;
    }
    auto now = std::chrono::system_clock::now();
    out << issue_token(secret->value, token_subject, ttl, now) << "\n";
    err << "deploy-agent token: subject \"" << token_subject << "\", valid until "
        << utc_text(now + ttl) << " (JWT_SECRET " << describe_secret(*secret) << ")\n";
    return out.good() ? 0 : 1;
}

}  // namespace agent
