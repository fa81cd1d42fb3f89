#pragma once

#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "manifest/manifest.hpp"
#include "secrets/infisical_client.hpp"
#include "secrets/infisical_settings.hpp"

namespace agent {

/// What `deploy-agent doctor infisical` found: one line per check ("ok …", "FAIL …").
struct infisical_check {
    std::vector<std::string> lines;
    bool ok = true;
};

/// Logs in (through `client`, which may be null when no credentials are set) and reads each
/// app's secret path, reporting key names and counts, never values; a `keys` entry missing at
/// the path is a failure. Never throws.
boost::asio::awaitable<infisical_check> check_infisical(infisical_client* client,
                                                        const infisical_settings& settings,
                                                        const manifest& apps);

/// `deploy-agent doctor infisical`: runs check_infisical with the environment's settings and the
/// manifest at `manifest_path`, prints the lines; 0 when every check passed, else 1.
int run_doctor_infisical(const std::string& manifest_path);

}  // namespace agent
