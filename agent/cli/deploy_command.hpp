#pragma once

#include <string>

#include "cli/settings.hpp"

namespace agent {

/// `deploy-agent deploy APP`: runs one deployment of APP now with the same executor as serve,
/// printing each step; exit 0 when it succeeded, 1 when it failed or rolled back, 2 for a bad
/// app or manifest, 3 when another agent (e.g. `serve`) owns DATA_DIR (nothing is touched).
int run_deploy_command(const agent_settings& settings, const std::string& app);

/// `deploy-agent deploy APP --dry-run`: prints the image it would pull and the difference
/// between the running container's configuration and the new spec, field by field; touches
/// nothing (no lock, no record). Exit 0, or 2 for a bad app or manifest, 1 for an engine error.
int run_dry_run_command(const agent_settings& settings, const std::string& app);

}  // namespace agent
