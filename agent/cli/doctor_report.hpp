#pragma once

// Internal to agent/cli: the findings `deploy-agent doctor` prints, and its groups of checks.

#include <ostream>
#include <string>
#include <string_view>

#include "common/environment.hpp"
#include "manifest/manifest.hpp"

namespace agent::doctor {

/// Prints each finding as it is made: "ok    subject: detail", "warn  …", "FAIL  …", with the
/// fix on the next line. Counts failures.
class report {
public:
    explicit report(std::ostream& out) : out_(out) {}
    void ok(std::string_view subject, std::string_view detail);
    void warn(std::string_view subject, std::string_view detail, std::string_view fix);
    void fail(std::string_view subject, std::string_view detail, std::string_view fix);
    int failures() const { return failures_; }

private:
    void line(std::string_view tag, std::string_view subject, std::string_view detail,
              std::string_view fix);
    std::ostream& out_;
    int failures_ = 0;
};

/// The unix socket at `path` (DOCKER_HOST/DOCKER_SOCK_PATH): exists, is a socket, and this
/// process's user or one of its groups may read and write it. False when the engine cannot be
/// reached through it (the engine checks are then skipped).
bool check_socket(report& r, const std::string& path);

/// WEBHOOK_SECRET (and every app's secret_env), INFISICAL_WEBHOOK_SECRET and JWT_SECRET.
void check_secrets(report& r, const manifest& m, const environment& env);

/// Each build app's context: a directory with its Dockerfile; with `git:`, a checkout whose
/// remote answers `git ls-remote` within 15 s.
void check_build_contexts(report& r, const manifest& m, const environment& env);

/// Infisical authentication when INFISICAL_CLIENT_ID/INFISICAL_CLIENT_SECRET or INFISICAL_TOKEN
/// is set or an app reads secrets from Infisical: logs in and reads each app's folder (key names
/// and counts, never values); a key the manifest names that is missing there is a failure.
void check_infisical(report& r, const manifest& m, const environment& env);

}  // namespace agent::doctor
