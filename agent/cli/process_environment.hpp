#pragma once

#include "common/environment.hpp"

namespace agent {

/// The process environment, read once: the only place below main that reads it. Every setting
/// the agent documents (README, docs/architecture.md) comes from this snapshot, so a variable
/// changed later is seen after a restart.
environment read_process_environment();

}  // namespace agent
