// deploy-agent doctor: the build strategy's contexts (a directory, its Dockerfile, a git
// checkout whose remote answers).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "cli/doctor_report.hpp"
#include "source/child_process.hpp"
#include "source/git_env.hpp"

namespace agent::doctor {

namespace {

namespace fs = std::filesystem;

// A remote that does not answer in this time would also stall a deploy.
constexpr std::chrono::seconds git_deadline{15};

struct git_result {
    int exit_code = -1;  ///< -1: could not run, or killed at the deadline
    std::string summary;  ///< the line that says what happened (telling_line)
};

// The line of git's output that says what happened: the first one, except when git reports
// that its ssh failed ("fatal: Could not read from remote repository."): then ssh's own last
// line before it ("Host key verification failed.", "Permission denied (publickey)."), which
// follows a banner of several lines when a host key changed.
std::string telling_line(const std::string& said) {
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < said.size();) {
        const std::size_t end = std::min(said.find('\n', at), said.size());
        std::size_t stop = end;
        while (stop > at && said[stop - 1] == '\r') {  // ssh ends its lines with "\r\n"
            --stop;
        }
        if (stop > at) {
            lines.push_back(said.substr(at, stop - at));
        }
        at = end + 1;
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (lines[i].starts_with("fatal: Could not read from remote repository")) {
            return lines[i - 1];
        }
    }
    return lines.empty() ? std::string() : lines.front();
}

// Runs `git -C dir args…` with the environment the deploy gives git (the app's token or deploy
// key, no prompts), killed at the deadline.
git_result run_git(const std::string& dir, const std::vector<std::string>& args,
                   std::vector<std::string> env) {
    process_spec spec;
    spec.argv = {"git", "-C", dir};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env = std::move(env);
    spec.deadline = git_deadline;
    spec.output_limit = 4096;
    git_result result;
    process_result ran;
    try {
        ran = run_process(spec);
    } catch (const std::system_error&) {
        result.summary = "git is not installed (the image has it; outside it: apt-get install git)";
        return result;
    }
    if (ran.timed_out) {
        result.summary = fmt::format("no answer within {} s", git_deadline.count());
        return result;
    }
    result.exit_code = ran.exit_code;
    result.summary = telling_line(ran.ok() || ran.err.empty() ? ran.out : ran.err);
    return result;
}

void check_git(report& r, const std::string& subject, const build_spec& b,
               const environment& agent_env) {
    std::error_code ec;
    if (!fs::exists(fs::path(b.context) / ".git", ec)) {
        r.fail(subject, fmt::format("{} is not a git checkout (no .git)", b.context),
               "mount the checkout itself (git clone on the host, then mount its directory)");
        return;
    }
    const git_result url =
        run_git(b.context, {"remote", "get-url", b.git->remote},
                git_environment(build_spec::git_spec{}, "", lookup_in(agent_env)));
    if (url.exit_code != 0) {
        r.fail(subject,
               fmt::format("the checkout has no remote '{}': {}", b.git->remote, url.summary),
               fmt::format("git -C {} remote add {} URL, or name the right remote in the manifest",
                           b.context, b.git->remote));
        return;
    }
    if (!b.git->ssh_key_file.empty()) {
        for (const auto& [what, path] : {std::pair{"deploy key", b.git->ssh_key_file},
                                         std::pair{"known_hosts file", b.git->known_hosts_file}}) {
            if (::access(path.c_str(), R_OK) != 0) {
                r.fail(subject,
                       fmt::format("cannot read the {} {}: {}", what, path, std::strerror(errno)),
                       "mount it into the agent, readable by the agent's user (uid 10001 in "
                       "the image): compose.yaml secrets or a read-only volume");
                return;
            }
        }
    }
    std::vector<std::string> env;
    try {
        env = git_environment(*b.git, url.summary, lookup_in(agent_env));
    } catch (const std::runtime_error& e) {
        r.fail(subject, e.what(), "set the variable in the agent's environment (.env)");
        return;
    }
    const git_result heads =
        run_git(b.context, {"ls-remote", "--exit-code", "--heads", b.git->remote, b.git->branch},
                std::move(env));
    if (heads.exit_code != 0) {
        r.fail(subject,
               fmt::format("remote '{}' ({}) did not list branch {}: {}", b.git->remote,
                           url.summary, b.git->branch,
                           heads.summary.empty() ? "the branch does not exist" : heads.summary),
               "check the URL, the network and the credentials the manifest names "
               "(build.git.token_env, or ssh_key_file and known_hosts_file)");
        return;
    }
    r.ok(subject, fmt::format("git checkout; remote '{}' ({}) has branch {}", b.git->remote,
                              url.summary, b.git->branch));
}

}  // namespace

void check_build_contexts(report& r, const manifest& m, const environment& env) {
    for (const auto& app : m.apps) {
        if (app.strategy != deploy_strategy::build || !app.build) {
            continue;
        }
        const std::string subject = fmt::format("app {} build context", app.name);
        const build_spec& b = *app.build;
        std::error_code ec;
        if (!fs::is_directory(b.context, ec)) {
            r.fail(subject, fmt::format("{} is not a directory the agent can see", b.context),
                   "mount the app's checkout into the agent at that path (compose.yaml volumes)");
            continue;
        }
        if (!fs::exists(fs::path(b.context) / b.dockerfile, ec)) {
            r.fail(subject, fmt::format("{} has no {}", b.context, b.dockerfile),
                   "set build.dockerfile to the Dockerfile's path inside the context");
            continue;
        }
        if (b.git) {
            check_git(r, subject, b, env);
        } else {
            r.ok(subject, fmt::format("{} with {} (no git: built as it is on disk)", b.context,
                                      b.dockerfile));
        }
    }
}

}  // namespace agent::doctor
