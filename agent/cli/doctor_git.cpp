// deploy-agent doctor: the build strategy's contexts (a directory, its Dockerfile, a git
// checkout whose remote answers).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "cli/doctor_report.hpp"

namespace agent::doctor {

namespace {

namespace fs = std::filesystem;

// A remote that does not answer in this time would also stall a deploy.
constexpr std::chrono::seconds git_deadline{15};

struct git_result {
    int exit_code = -1;  ///< -1: could not run, or killed at the deadline
    std::string first_line;
};

// Runs `git -C dir args…` with its output in a temporary file; killed at the deadline.
// GIT_TERMINAL_PROMPT=0: a remote that wants a password fails instead of waiting for one.
git_result run_git(const std::string& dir, const std::vector<std::string>& args) {
    const fs::path out = fs::temp_directory_path() / fmt::format("da-doctor-{}.log", ::getpid());
    std::vector<std::string> words{"git", "-C", dir};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) {
        argv.push_back(w.data());
    }
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::setenv("GIT_TERMINAL_PROMPT", "0", 1);
        ::execvp("git", argv.data());
        ::_exit(127);
    }
    git_result result;
    if (pid < 0) {
        result.first_line = "cannot start git";
        return result;
    }
    const auto until = std::chrono::steady_clock::now() + git_deadline;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > until) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            std::error_code ignored;
            fs::remove(out, ignored);
            result.first_line = fmt::format("no answer within {} s", git_deadline.count());
            return result;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::ifstream in(out);
    std::getline(in, result.first_line);
    std::error_code ignored;
    fs::remove(out, ignored);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (result.exit_code == 127) {
        result.first_line = "git is not installed (the image has it; outside it: apt-get install git)";
    }
    return result;
}

void check_git(report& r, const std::string& subject, const build_spec& b) {
    std::error_code ec;
    if (!fs::exists(fs::path(b.context) / ".git", ec)) {
        r.fail(subject, fmt::format("{} is not a git checkout (no .git)", b.context),
               "mount the checkout itself (git clone on the host, then mount its directory)");
        return;
    }
    const git_result url = run_git(b.context, {"remote", "get-url", b.git->remote});
    if (url.exit_code != 0) {
        r.fail(subject, fmt::format("the checkout has no remote '{}': {}", b.git->remote,
                                    url.first_line),
               fmt::format("git -C {} remote add {} URL, or name the right remote in the manifest",
                           b.context, b.git->remote));
        return;
    }
    const git_result heads = run_git(
        b.context, {"ls-remote", "--exit-code", "--heads", b.git->remote, b.git->branch});
    if (heads.exit_code != 0) {
        r.fail(subject,
               fmt::format("remote '{}' ({}) did not list branch {}: {}", b.git->remote,
                           url.first_line, b.git->branch,
                           heads.first_line.empty() ? "the branch does not exist" : heads.first_line),
               "check the URL, the network and the credentials (a deploy key or a token in a "
               "credential file) as the agent's user");
        return;
    }
    r.ok(subject, fmt::format("git checkout; remote '{}' ({}) has branch {}", b.git->remote,
                              url.first_line, b.git->branch));
}

}  // namespace

void check_build_contexts(report& r, const manifest& m) {
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
            check_git(r, subject, b);
        } else {
            r.ok(subject, fmt::format("{} with {} (no git: built as it is on disk)", b.context,
                                      b.dockerfile));
        }
    }
}

}  // namespace agent::doctor
