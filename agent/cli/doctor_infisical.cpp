// deploy-agent doctor: Infisical. What is configured, then a real login and a read of each
// app's folder through the secrets module's client (key names only, never values).
#include <cstdlib>

#include "cli/doctor_report.hpp"
#include "secrets/doctor_infisical.hpp"

namespace agent::doctor {

namespace {

bool is_set(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0';
}

}  // namespace

void check_infisical(report& r, const manifest& m) {
    bool used = false;
    for (const auto& app : m.apps) {
        used = used || app.infisical.has_value();
    }
    const bool universal = is_set("INFISICAL_CLIENT_ID") || is_set("INFISICAL_CLIENT_SECRET");
    const bool token = is_set("INFISICAL_TOKEN");
    if (!used && !universal && !token) {
        r.ok("infisical", "not configured (no app reads secrets from Infisical)");
        return;
    }
    if (used && !universal && !token) {
        r.fail("infisical", "an app reads secrets from Infisical, but no credentials are set",
               "set INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET (a machine identity with "
               "universal auth), or INFISICAL_TOKEN");
        return;
    }
    if (universal && !(is_set("INFISICAL_CLIENT_ID") && is_set("INFISICAL_CLIENT_SECRET"))) {
        r.fail("infisical", "only one of INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET is set",
               "set both (the machine identity's client id and secret)");
        return;
    }
    for (const auto& f : check_infisical_now(m).findings) {
        if (f.ok) {
            r.ok(f.subject, f.detail);
        } else {
            r.fail(f.subject, f.detail,
                   "check INFISICAL_API_URL and the credentials; in Infisical's console, give the "
                   "machine identity read access to the project, environment and path, and "
                   "create the keys the manifest names");
        }
    }
}

}  // namespace agent::doctor
