#pragma once

namespace agent {

/// Parses the command line and runs the subcommand; returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace agent
