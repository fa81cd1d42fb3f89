#pragma once

#include <string>

#include "cli/settings.hpp"
#include "deploy/journal.hpp"

namespace agent {

/// `deploy-agent deploy APP [--wait]`: runs one deployment of APP now with the same executor as
/// serve, printing each step, and waits for its outcome (a build, a health gate, a Swarm rolling
/// update); the exit code is deploy_exit_code(outcome), or 2 for a bad app or manifest.
int run_deploy_command(const agent_settings& settings, const std::string& app);

/// The exit code of `deploy --wait`: 0 succeeded, 1 failed, 3 rolled_back (the old container
/// or the service's previous spec is serving again), 4 superseded. Non-zero unless succeeded.
int deploy_exit_code(deploy_result result);

}  // namespace agent
