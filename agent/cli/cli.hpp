#pragma once

#include "common/environment.hpp"

namespace agent {

/// Parses the command line and runs the subcommand with the settings read from `env` (the
/// process environment, read once in main); returns the process exit code.
int run_cli(const environment& env, int argc, char** argv);

}  // namespace agent
