// deploy-agent doctor: Infisical. The secrets module checks the settings, logs in and reads each
// app's folder (key names only, never values); this prints what it found.
#include "cli/doctor_report.hpp"
#include "secrets/doctor_infisical.hpp"

namespace agent::doctor {

void check_infisical(report& r, const manifest& m, const environment& env) {
    for (const auto& f : check_infisical_now(m, env).findings) {
        if (f.ok) {
            r.ok(f.subject, f.detail);
        } else {
            r.fail(f.subject, f.detail,
                   "check INFISICAL_API_URL and the credentials (INFISICAL_CLIENT_ID and "
                   "INFISICAL_CLIENT_SECRET, or INFISICAL_TOKEN); in Infisical's console, give the "
                   "machine identity read access to the project, environment and path, and "
                   "create the keys the manifest names");
        }
    }
}

}  // namespace agent::doctor
