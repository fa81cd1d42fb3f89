#pragma once

#include <ostream>
#include <string>

#include "cli/settings.hpp"

namespace agent {

/// `deploy-agent doctor`: checks the setup the agent runs in and says what to fix. In order: the
/// Docker socket (exists, is a socket, this user may use it: owner, group, mode), the engine and
/// its API version, the manifest, each container or Swarm service the manifest names (exists
/// under that exact name, its strategy fits), build contexts (a directory with a Dockerfile, a
/// git checkout whose remote answers), registry credentials (a real login: the engine asks the
/// registry for the image with them), the webhook and API secrets (set, no stray whitespace or
/// newline, long enough, not reused as JWT_SECRET), and Infisical authentication when configured.
/// One line per check on `out` ("ok", "warn" or "FAIL", then what was found and how to fix it).
/// Returns 0 when nothing failed, 1 otherwise. `topic` "infisical" runs only the manifest and
/// Infisical checks (`deploy-agent doctor infisical`); "" runs everything.
int run_doctor(const agent_settings& settings, std::ostream& out, const std::string& topic = "");

}  // namespace agent
