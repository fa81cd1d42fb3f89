#pragma once

#include <string>

#include "cli/settings.hpp"
#include "deploy/journal.hpp"

namespace agent {

/// `deploy-agent deploy APP [--wait]`: runs one deployment of APP now with the same executor as
/// serve, printing each step, and waits for its outcome (a build, a health gate, a Swarm rolling
/// update); exit deploy_exit_code(outcome), 2 for a bad app or manifest, 3 when another agent
/// (e.g. `serve`) owns DATA_DIR (nothing is touched).
int run_deploy_command(const agent_settings& settings, const std::string& app);

/// `deploy-agent deploy APP --dry-run`: prints the image it would pull and the difference
/// between the running container's configuration and the new spec, field by field; touches
/// nothing (no lock, no record). Exit 0, or 2 for a bad app or manifest, 1 for an engine error.
int run_dry_run_command(const agent_settings& settings, const std::string& app);

/// The exit code of `deploy --wait` for an outcome: 0 succeeded, 1 failed, 4 rolled_back (the
/// old container or the service's previous spec serves again), 5 superseded. Non-zero unless
/// it succeeded.
int deploy_exit_code(deploy_result result);

}  // namespace agent
