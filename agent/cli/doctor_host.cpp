// deploy-agent doctor: what can be checked without the engine (the socket file, the secrets).
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "cli/doctor_report.hpp"
#include "intake/signature.hpp"

namespace agent::doctor {

namespace {

// GitHub asks for "a random string with high entropy"; 16 bytes is the least we accept quietly.
constexpr std::size_t min_secret_length = 16;

std::string group_name(gid_t gid) {
    if (const group* g = ::getgrgid(gid)) {
        return fmt::format("{} ({})", gid, g->gr_name);
    }
    return std::to_string(gid);
}

std::string my_groups() {
    std::vector<gid_t> groups(static_cast<std::size_t>(::getgroups(0, nullptr)) + 1);
    const int n = ::getgroups(static_cast<int>(groups.size()), groups.data());
    std::string out = std::to_string(::getegid());
    for (int i = 0; i < n; ++i) {
        if (groups[static_cast<std::size_t>(i)] != ::getegid()) {
            out += "," + std::to_string(groups[static_cast<std::size_t>(i)]);
        }
    }
    return out;
}

void explain_denied(report& r, const std::string& path, const struct stat& st) {
    const std::string what =
        fmt::format("{} is owned by uid {}, group {}, mode {:04o}; this process runs as uid {} "
                    "with groups {} and may not read and write it",
                    path, st.st_uid, group_name(st.st_gid), st.st_mode & 07777, ::geteuid(),
                    my_groups());
    if ((st.st_mode & S_IRWXG) != (S_IRGRP | S_IWGRP) && (st.st_mode & S_IRWXG) != S_IRWXG) {
        r.fail("socket", what,
               "the socket's group has no read and write permission (mode 0660 is Docker's "
               "default): fix it on the host, or put a socket proxy in front of it "
               "(docs/socket-proxy.md)");
        return;
    }
    r.fail("socket", what,
           fmt::format("give the agent the socket's group: in compose.yaml `group_add: [\"{}\"]` "
                       "(DOCKER_GID={} in .env), with docker run `--group-add {}`; the number is "
                       "`stat -c %g /var/run/docker.sock` on the host",
                       st.st_gid, st.st_gid, st.st_gid));
}

void check_one_secret(report& r, const environment& env, const std::string& name,
                      const std::string& jwt) {
    const char* raw = env.get(name);
    const configured_secret s = make_configured_secret(raw == nullptr ? "" : raw, name);
    const std::string subject = "secret " + name;
    bool fine = true;
    if (s.had_trailing_newline()) {
        r.fail(subject, "ends with a newline; the agent removes one, but the secret GitHub or "
                        "Infisical signs with has none unless it was typed with one",
               "write the value without the newline (printf %s, not echo; no empty line at the "
               "end of a secret file) so both sides hold the same bytes");
        fine = false;
    }
    if (s.has_surrounding_whitespace()) {
        r.fail(subject, "starts or ends with a space or tab, which is part of the HMAC key",
               "remove the stray whitespace (check quotes in the env file), or type the same "
               "bytes into the webhook's settings");
        fine = false;
    }
    if (s.value.size() < min_secret_length) {
        r.fail(subject, fmt::format("is {} bytes long: too short to resist guessing",
                                    s.value.size()),
               fmt::format("use a random secret of at least {} bytes: openssl rand -hex 32",
                           min_secret_length));
        fine = false;
    }
    if (!jwt.empty() && s.value == jwt) {
        r.fail(subject, "is the same as JWT_SECRET: whoever knows the webhook secret (it is "
                        "stored in GitHub's or Infisical's settings) can mint API tokens",
               "give JWT_SECRET its own value: openssl rand -hex 32");
        fine = false;
    }
    if (fine) {
        r.ok(subject, describe_secret(s));
    }
}

}  // namespace

bool check_socket(report& r, const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        r.fail("socket", fmt::format("{}: {}", path, std::strerror(errno)),
               "mount the engine's socket into the container (compose.yaml: "
               "`- /var/run/docker.sock:/var/run/docker.sock`), or set DOCKER_HOST");
        return false;
    }
    if (!S_ISSOCK(st.st_mode)) {
        r.fail("socket", fmt::format("{} exists but is not a socket", path),
               "Docker creates an empty directory when a mounted host path does not exist: "
               "mount the real socket path of the host's engine");
        return false;
    }
    if (::access(path.c_str(), R_OK | W_OK) != 0) {
        explain_denied(r, path, st);
        return false;
    }
    r.ok("socket", fmt::format("{} (uid {}, group {}, mode {:04o}) is usable by uid {}", path,
                               st.st_uid, group_name(st.st_gid), st.st_mode & 07777,
                               ::geteuid()));
    return true;
}

void check_secrets(report& r, const manifest& m, const environment& env) {
    const char* jwt_raw = env.get("JWT_SECRET");
    const std::string jwt =
        jwt_raw == nullptr ? "" : make_configured_secret(jwt_raw, "JWT_SECRET").value;
    std::set<std::string> github_names;
    for (const auto& app : m.apps) {
        if (app.github) {
            github_names.insert(app.github->secret_env);
        }
    }
    for (const auto& name : github_names) {
        const char* v = env.get(name);
        if (v == nullptr || *v == '\0') {
            r.fail("secret " + name, "is not set: GitHub deliveries for the apps that use it are "
                                     "answered 503 'not configured'",
                   "set it to the secret of the GitHub webhook (openssl rand -hex 32)");
            continue;
        }
        check_one_secret(r, env, name, jwt);
    }
    // Each app's commit-status token (whether it reaches the forge's API is not checked here).
    for (const auto& app : m.apps) {
        if (!app.status) {
            continue;
        }
        const std::string& name = app.status->token_env;
        const char* v = env.get(name);
        if (v == nullptr || *v == '\0') {
            r.fail("status token " + name,
                   "is not set: commit statuses of " + app.name + " are not sent",
                   "set it to a forge API token that may write commit statuses "
                   "(docs/commit-statuses.md)");
        } else {
            r.ok("status token " + name,
                 "set for " + app.name + " (" +
                     describe_secret(make_configured_secret(v, name)) + ")");
        }
    }
    if (const char* v = env.get("INFISICAL_WEBHOOK_SECRET"); v != nullptr && *v != '\0') {
        check_one_secret(r, env, "INFISICAL_WEBHOOK_SECRET", jwt);
    } else {
        r.ok("secret INFISICAL_WEBHOOK_SECRET", "not set: Infisical deliveries are answered 503");
    }
    if (jwt.empty()) {
        r.ok("secret JWT_SECRET", "not set: /api answers 503");
    } else if (jwt.size() < min_secret_length) {
        r.fail("secret JWT_SECRET", fmt::format("is {} bytes long: too short", jwt.size()),
               "use openssl rand -hex 32");
    } else {
        r.ok("secret JWT_SECRET", describe_secret(make_configured_secret(jwt, "JWT_SECRET")));
    }
}

}  // namespace agent::doctor
