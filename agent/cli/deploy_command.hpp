#pragma once

#include <string>

#include "cli/settings.hpp"

namespace agent {

/// `deploy-agent deploy APP`: runs one deployment of APP now with the same executor as serve,
/// printing each step; exit 0 when it succeeded, 1 when it failed, 2 for a bad app or manifest.
int run_deploy_command(const agent_settings& settings, const std::string& app);

}  // namespace agent
