// deploy-agent doctor: Infisical authentication. A hook for the secrets module (agent/secrets/),
// which owns the Infisical client: until it fills this in, doctor says what is configured and
// that the login itself was not tried.
#include <cstdlib>

#include "cli/doctor_report.hpp"

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
    r.warn("infisical",
           universal ? "universal auth configured (INFISICAL_CLIENT_ID); the login was not tried"
                     : "service token configured (INFISICAL_TOKEN); the login was not tried",
           "this agent's doctor cannot log in to Infisical yet; check the identity in "
           "Infisical's console");
}

}  // namespace agent::doctor
