#pragma once

#include "cli/settings.hpp"

namespace agent {

/// `deploy-agent serve`: loads the manifest (exit 1 with every problem when invalid), listens,
/// and runs until SIGINT or SIGTERM. Returns the exit code.
int run_serve(const agent_settings& settings);

}  // namespace agent
