#pragma once

#include <functional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "common/environment.hpp"

namespace agent {

/// Parses the command line and runs the subcommand with the settings read from `env` (the
/// process environment, read once in main); returns the process exit code.
int run_cli(const environment& env, int argc, char** argv);

/// run_cli with a hook awaited before each recreate step: for a test build of the program
/// (tests/paused_agent/main.cpp), never for deploy-agent itself.
/// (The hook's type is deploy/executor.hpp's recreate_step_hook, spelled out so that main.cpp's
/// include stays this small header.)
int run_cli(const environment& env, int argc, char** argv,
            std::function<boost::asio::awaitable<void>(std::string step)> before_recreate_step);

}  // namespace agent
