#include "source/git_sync.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "source/git_runner.hpp"

namespace agent {

namespace {

constexpr std::size_t files_named = 20;  // a dirty checkout's error names this many files

// The arguments of a git command. A function, not a braced list at the call: g++ 12 miscompiles
// an initializer_list inside a co_await expression ("array used as initializer").
template <class... Arg>
std::vector<std::string> argv(Arg&&... arg) {
    return {std::string(std::forward<Arg>(arg))...};
}

bool is_commit_id(std::string_view s) {
    return s.size() >= 7 && s.size() <= 40 &&
           s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

// The last lines of git's stderr: where it says what went wrong.
std::string last_lines(const std::string& text, std::size_t max_chars = 600) {
    std::string t = trimmed(text);
    if (t.size() > max_chars) {
        t = "…" + t.substr(t.size() - max_chars);
    }
    return t;
}

// `git status --porcelain=v1 -z`: "XY path\0", a rename or copy followed by "orig\0".
std::vector<std::string> changed_files(const std::string& status) {
    std::vector<std::string> files;
    std::size_t pos = 0;
    while (pos < status.size()) {
        auto end = status.find('\0', pos);
        if (end == std::string::npos) {
            end = status.size();
        }
        std::string_view entry(status.data() + pos, end - pos);
        pos = end + 1;
        if (entry.size() < 4) {
            continue;
        }
        files.emplace_back(entry.substr(3));
        if (entry[0] == 'R' || entry[0] == 'C') {
            pos = status.find('\0', pos);
            pos = pos == std::string::npos ? status.size() : pos + 1;
        }
    }
    return files;
}

std::string file_list(const std::vector<std::string>& files) {
    std::string out;
    for (std::size_t i = 0; i < files.size() && i < files_named; ++i) {
        out += (i == 0 ? "" : ", ") + files[i];
    }
    if (files.size() > files_named) {
        out += fmt::format(" and {} more", files.size() - files_named);
    }
    return out;
}

// One checkout and the environment its git commands run with.
class checkout {
  public:
    checkout(std::string dir, std::chrono::milliseconds timeout)
        : dir_(std::move(dir)), timeout_(timeout) {}

    void set_environment(std::vector<std::string> env) { env_ = std::move(env); }
    void set_url(std::string url) { url_ = std::move(url); }
    const std::string& url() const { return url_; }

    net::awaitable<process_result> git(std::vector<std::string> args) {
        process_spec spec;
        spec.argv.emplace_back("git");
        spec.argv.insert(spec.argv.end(), args.begin(), args.end());
        spec.working_dir = dir_;
        spec.env = env_;
        spec.deadline = timeout_;
        try {
            co_return co_await run_process_async(std::move(spec));
        } catch (const std::system_error& e) {
            throw source_error(fmt::format("cannot run git (is it installed?): {}", e.what()));
        }
    }

    /// stdout of a command that must succeed; otherwise throws "<what>: <git's message>".
    net::awaitable<std::string> git_ok(std::vector<std::string> args, std::string what) {
        process_result r = co_await git(std::move(args));
        if (r.timed_out) {
            throw source_error(fmt::format("{}: git did not finish within {} s", what,
                                           timeout_.count() / 1000));
        }
        if (!r.ok()) {
            throw source_error(fmt::format("{}: {}", what, last_lines(r.err)));
        }
        co_return trimmed(std::move(r.out));
    }

  private:
    std::string dir_;
    std::chrono::milliseconds timeout_;
    std::vector<std::string> env_;
    std::string url_;
};

net::awaitable<void> clean_or_refuse(checkout& repo, const source_request& request,
                                     const source_log& log) {
    std::string status = co_await repo.git_ok(
        argv("status", "--porcelain=v1", "-z", "--untracked-files=all"), "git status");
    auto files = changed_files(status);
    if (files.empty()) {
        co_return;
    }
    if (!request.git.discard_local_changes) {
        throw source_error(fmt::format(
            "the checkout {} has local changes, not deploying over them: {} (commit or remove "
            "them, or set build.git.discard_local_changes: true)",
            request.checkout, file_list(files)));
    }
    log(fmt::format("discarding local changes: {}", file_list(files)));
    co_await repo.git_ok(argv("reset", "--hard", "-q"), "git reset");
    co_await repo.git_ok(argv("clean", "-ffdq"), "git clean");
}

// Where `commit` stands after the fetch.
enum class commit_place { on_remote, only_local, unknown };

net::awaitable<commit_place> locate(checkout& repo, const source_request& request,
                                    const std::string& commit) {
    process_result known = co_await repo.git(argv("cat-file", "-e", commit + "^{commit}"));
    if (!known.ok()) {
        co_return commit_place::unknown;
    }
    std::string refs = co_await repo.git_ok(
        argv("for-each-ref", "--count=1", "--contains", commit, "--format=%(refname)",
             "refs/remotes/" + request.git.remote + "/", "refs/tags/"),
        "git for-each-ref");
    co_return refs.empty() ? commit_place::only_local : commit_place::on_remote;
}

net::awaitable<std::string> wanted_commit(checkout& repo, const source_request& request,
                                          const source_log& log) {
    const auto& g = request.git;
    const std::string tracking = "refs/remotes/" + g.remote + "/" + g.branch;
    std::string head = co_await repo.git_ok(argv("rev-parse", "--verify", tracking + "^{commit}"),
                                            "the remote has no branch " + g.branch);
    if (request.commit.empty()) {
        co_return head;
    }
    if (!is_commit_id(request.commit)) {
        throw source_error(fmt::format("'{}' is not a commit id", request.commit));
    }
    const std::string missing = fmt::format("the remote {} does not have commit {} ({} is at {})",
                                            redact_url(repo.url()), request.commit, g.branch, head);
    commit_place place = co_await locate(repo, request, request.commit);
    if (place == commit_place::only_local) {
        // Made in the checkout, or left from a history the remote rewrote: a fetch by id would
        // find it locally and prove nothing about the remote.
        throw source_error(missing + "; it exists only in the checkout");
    }
    if (place == commit_place::unknown) {
        // Not under the branch or a tag: ask for it by id (servers hand out reachable ids).
        log(fmt::format("{} is not on {}/{}; fetching it by id", request.commit, g.remote,
                        g.branch));
        process_result r = co_await repo.git(argv("fetch", "-q", g.remote, request.commit));
        if (!r.ok()) {
            throw source_error(missing);
        }
    }
    co_return co_await repo.git_ok(argv("rev-parse", "--verify", request.commit + "^{commit}"),
                                   "git rev-parse " + request.commit);
}

net::awaitable<void> update_submodules(checkout& repo, const source_request& request,
                                       const source_log& log) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::path(request.checkout) / ".gitmodules", ec)) {
        process_result top = co_await repo.git(argv("rev-parse", "--show-toplevel"));
        if (!top.ok() || !std::filesystem::exists(trimmed(top.out) + "/.gitmodules", ec)) {
            co_return;
        }
    }
    log("updating submodules");
    co_await repo.git_ok(argv("submodule", "sync", "--recursive", "-q"), "git submodule sync");
    co_await repo.git_ok(argv("submodule", "update", "--init", "--recursive", "--force", "-q"),
                         "git submodule update");
}

}  // namespace

std::string redact_url(std::string_view url) {
    auto scheme = url.find("://");
    auto start = scheme == std::string_view::npos ? 0 : scheme + 3;
    auto slash = url.find('/', start);
    auto at = url.rfind('@', slash);
    if (scheme == std::string_view::npos || at == std::string_view::npos || at < start) {
        return std::string(url);
    }
    return std::string(url.substr(0, start)) + "***" + std::string(url.substr(at));
}

net::awaitable<source_revision> sync_source(source_request request, source_log log,
                                            env_lookup env) {
    checkout repo(request.checkout, request.command_timeout);
    repo.set_environment(git_environment(build_spec::git_spec{}, "", env));  // enough to read the remote's URL
    co_await repo.git_ok(argv("rev-parse", "--show-toplevel"),
                         request.checkout + " is not a git checkout");
    std::string url = co_await repo.git_ok(argv("remote", "get-url", request.git.remote),
                                           "the checkout has no remote " + request.git.remote);
    repo.set_url(std::move(url));
    try {
        repo.set_environment(git_environment(request.git, repo.url(), env, request.ssh_wrapper));
    } catch (const std::runtime_error& e) {
        throw source_error(e.what());
    }
    co_await clean_or_refuse(repo, request, log);
    const auto& g = request.git;
    log(fmt::format("fetching {} from {}", g.branch, redact_url(repo.url())));
    co_await repo.git_ok(argv("fetch", "-q", "--force", "--tags", g.remote,
                          "+refs/heads/" + g.branch + ":refs/remotes/" + g.remote + "/" + g.branch),
                         "git fetch from " + redact_url(repo.url()));
    std::string commit = co_await wanted_commit(repo, request, log);
    co_await repo.git_ok(argv("reset", "--hard", "-q", commit), "git reset --hard " + commit);
    co_await update_submodules(repo, request, log);
    std::string head = co_await repo.git_ok(argv("rev-parse", "--verify", "HEAD"), "git rev-parse");
    if (head != commit) {
        throw source_error(fmt::format("after the reset HEAD is {}, not {}", head, commit));
    }
    source_revision revision{head, ""};
    revision.subject = co_await repo.git_ok(argv("log", "-1", "--format=%s", head), "git log");
    log(fmt::format("checked out {}: {}", head.substr(0, 12), revision.subject));
    co_return revision;
}

}  // namespace agent
