#include "cli/token_command.hpp"

#include <string>

#include "api/bearer_token.hpp"
#include "common/iso8601.hpp"
#include "intake/signature.hpp"

namespace agent {

namespace {

// The token's subject: what the API logs as the actor of a manual deploy. Not "cli", which
// the planner reserves for `deploy-agent deploy`.
constexpr const char* token_subject = "operator";

}  // namespace

int run_token_command(const environment& env, std::chrono::seconds ttl, std::ostream& out,
                      std::ostream& err) {
    auto secret = read_secret_from_env(env, "JWT_SECRET");
    if (!secret) {
        err << "deploy-agent token: JWT_SECRET is not set (or empty): set it to the same value "
               "the server runs with\n";
        return 2;
    }
    if (auto problem = jwt_secret_problem_in_environment(secret->value, env); !problem.empty()) {
        err << "deploy-agent token: " << problem << "\n";
        return 2;
    }
    std::chrono::seconds max_ttl{};
    try {
        max_ttl = token_max_ttl_from_environment(env);
    } catch (const std::invalid_argument& e) {
        err << "deploy-agent token: " << e.what() << "\n";
        return 2;
    }
    if (ttl.count() <= 0 || ttl > max_ttl) {
        err << "deploy-agent token: --ttl must be between 1s and TOKEN_MAX_TTL ("
            << max_ttl.count() << "s)\n";
        return 2;
    }
    auto now = std::chrono::system_clock::now();
    out << issue_token(secret->value, token_subject, ttl, now) << "\n";
    err << "deploy-agent token: subject \"" << token_subject << "\", valid until "
        << iso8601_utc_seconds(now + ttl) << " (JWT_SECRET " << describe_secret(*secret) << ")\n";
    return out.good() ? 0 : 1;
}

}  // namespace agent
