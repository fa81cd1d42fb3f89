#pragma once

#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "manifest/manifest.hpp"
#include "secrets/infisical_client.hpp"
#include "secrets/infisical_settings.hpp"

namespace agent {

/// One thing `deploy-agent doctor` found about Infisical: the login, or one app's folder.
struct infisical_finding {
    bool ok = true;
    std::string subject;  ///< "infisical", "app web infisical"
    std::string detail;   ///< key names and counts, or what failed; never a value
};

/// What check_infisical found, in order.
struct infisical_check {
    std::vector<infisical_finding> findings;
    bool ok = true;
};

/// Logs in (through `client`, which may be null when no credentials are set) and reads each
/// app's secret path, reporting key names and counts, never values; a `keys` entry missing at
/// the path is a failure. Never throws.
boost::asio::awaitable<infisical_check> check_infisical(infisical_client* client,
                                                        const infisical_settings& settings,
                                                        const manifest& apps);

/// check_infisical with the settings (INFISICAL_*) in `env`, run to completion on its own
/// io_context: what `deploy-agent doctor` calls. Never throws.
infisical_check check_infisical_now(const manifest& apps, const environment& env);

}  // namespace agent
