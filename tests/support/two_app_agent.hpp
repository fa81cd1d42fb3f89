#pragma once

// What the e2e tests of the API's neighbours (notifications, the status page) share: the built
// agent serving a manifest of two apps, and a bearer token for its API.

#include <cstdint>
#include <map>
#include <string>

#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/fixtures.hpp"

namespace test {

/// How the agent of a two_app_agent is set up.
struct two_app_options {
    std::string prefix;          ///< names the live container and the data directory
    std::string jwt_secret;      ///< JWT_SECRET; the bearer token is signed with it
    std::string webhook_secret;  ///< WEBHOOK_SECRET
    std::string stable_for = "1s";  ///< how long `live` must run before it counts as healthy
    std::string live_extra;         ///< more lines of `live`'s manifest entry (a notify: section)
    std::map<std::string, std::string> env;  ///< more environment (DEPLOY_DEBOUNCE_MS is 0)
};

/// `deploy-agent serve` on a free port of 127.0.0.1 with a store of its own and two apps:
/// `ghost` names a container that does not exist (its deploys fail at once), `live` restarts a
/// real container. Everything is removed at scope exit (the agent stopped first).
struct two_app_agent {
    explicit two_app_agent(two_app_options options);

    /// POST /api/apps/{app}/deploy; requires 202 and returns the deployment id.
    std::int64_t deploy(const std::string& app_name);
    /// The deployment's state as GET /api/deployments/{id} says it; empty when it says none.
    std::string state_of(std::int64_t id);

    test_app app;
    std::string ghost = unique_name("da-e2e-ghost");
    temp_dir data;
    std::string manifest;
    agent_process process;
    unsigned short port = 0;
    std::string bearer;  ///< "Bearer <token>" for the subject "e2e", valid for an hour
};

}  // namespace test
