#pragma once

#include <ostream>
#include <string>

namespace agent {

/// `deploy-agent healthcheck`: the image's HEALTHCHECK, with no curl in the image. Sends
/// `GET /healthz` to the agent listening at `listen_address`:`port` (a wildcard address is
/// asked on loopback) and waits at most 3 s. Returns 0 when it answers 200; otherwise writes
/// why to `err` and returns 1 (Docker counts the container unhealthy after its retries).
int run_healthcheck_command(const std::string& listen_address, unsigned short port,
                            std::ostream& err);

}  // namespace agent
