// Credentials reach git the way the git CLI expects them, and nowhere else: an HTTPS token as
// an Authorization header scoped to the remote's host, an SSH deploy key through GIT_SSH (the
// agent itself, execing ssh) with strict host key checking. The agent's own secrets never
// reach git.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <catch2/catch.hpp>

#include "common/base64url.hpp"
#include "support/git_repos.hpp"
#include "source/child_process.hpp"
#include "source/git_env.hpp"
#include "source/git_ssh.hpp"
#include "source/git_sync.hpp"
#include "support/run_async.hpp"

namespace git_credentials_test {

namespace {

agent::env_lookup fake_env(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) {
            return std::nullopt;
        }
        return it->second;
    };
}

bool has(const std::vector<std::string>& env, const std::string& entry) {
    return std::find(env.begin(), env.end(), entry) != env.end();
}

std::string joined(const std::vector<std::string>& env) {
    std::string all;
    for (const auto& e : env) {
        all += e + "\n";
    }
    return all;
}

std::string sync_error(agent::source_request request, agent::env_lookup env) {
    return test::run_async([&](auto) -> agent::net::awaitable<std::string> {
        try {
            co_await agent::sync_source(request, [](std::string_view) {}, env);
        } catch (const agent::source_error& e) {
            co_return std::string(e.what());
        }
        co_return std::string();
    });
}

// Answers every request 404 after recording its head; enough for git's first GET.
class recording_http_server {
  public:
    recording_http_server() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        REQUIRE(::listen(fd_, 4) == 0);
        thread_ = std::thread([this] { serve(); });
    }
    ~recording_http_server() {
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    unsigned short port() const { return port_; }
    std::string heads() const {
        std::lock_guard lock(mutex_);
        return heads_;
    }

  private:
    void serve() {
        for (;;) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) {
                return;
            }
            std::string head;
            char buffer[4096];
            while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
                ssize_t n = ::read(c, buffer, sizeof buffer);
                if (n <= 0) {
                    break;
                }
                head.append(buffer, static_cast<std::size_t>(n));
            }
            {
                std::lock_guard lock(mutex_);
                heads_ += head;
            }
            const std::string answer =
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            (void)::write(c, answer.data(), answer.size());
            ::close(c);
        }
    }
    int fd_ = -1;
    unsigned short port_ = 0;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::string heads_;
};

}  // namespace

TEST_CASE("git env: only what git needs and the token scoped to the remote's origin") {
    agent::build_spec::git_spec git;
    git.token_env = "GH_TOKEN";
    auto env = agent::git_environment(git, "https://user@github.com/owner/repo.git",
                                      fake_env({{"PATH", "/usr/bin"},
                                                {"GH_TOKEN", "ghp_secret"},
                                                {"WEBHOOK_SECRET", "hook"},
                                                {"JWT_SECRET", "jwt"}}));
    const std::string all = joined(env);
    CHECK(has(env, "PATH=/usr/bin"));
    CHECK(has(env, "GIT_TERMINAL_PROMPT=0"));
    CHECK(has(env, "GIT_CONFIG_KEY_1=http.https://github.com/.extraHeader"));
    CHECK(has(env, "GIT_CONFIG_VALUE_1=Authorization: Basic " +
                       agent::base64_encode("x-access-token:ghp_secret")));
    CHECK_THAT(all, !Catch::Contains("WEBHOOK_SECRET"));
    CHECK_THAT(all, !Catch::Contains("JWT_SECRET"));
    CHECK_THAT(all, !Catch::Contains("GH_TOKEN="));
    CHECK_THAT(all, !Catch::Contains("protocol.file.allow"));

    CHECK(agent::base64_encode("") == "");
    CHECK(agent::base64_encode("f") == "Zg==");
    CHECK(agent::base64_encode("fo") == "Zm8=");
    CHECK(agent::base64_encode("foo") == "Zm9v");

    CHECK_THROWS_WITH(agent::git_environment(git, "https://github.com/o/r", fake_env({})),
                      Catch::Contains("GH_TOKEN is not set"));
    CHECK_THROWS_WITH(
        agent::git_environment(git, "git@github.com:o/r", fake_env({{"GH_TOKEN", "t"}})),
        Catch::Contains("https:// remote"));
    CHECK(agent::redact_url("https://u:pw@host/r.git") == "https://***@host/r.git");
    CHECK(agent::redact_url("git@github.com:o/r.git") == "git@github.com:o/r.git");
}

TEST_CASE("git sync over HTTPS: git sends the token as basic auth and the error never shows it") {
    test::git_repos repos;
    recording_http_server server;
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/o/r.git";
    test::sh(repos.checkout, "git remote set-url origin " + url);
    agent::source_request request;
    request.checkout = repos.checkout.string();
    request.git.token_env = "DA_TEST_GIT_TOKEN";
    const std::string error = sync_error(
        request, fake_env({{"PATH", "/usr/bin:/bin"}, {"DA_TEST_GIT_TOKEN", "tok-3f9a"}}));
    CHECK_THAT(server.heads(),
               Catch::Contains("Authorization: Basic " +
                               agent::base64_encode("x-access-token:tok-3f9a")));
    CHECK_THAT(server.heads(), Catch::Contains("GET /o/r.git/info/refs"));
    CHECK_THAT(error, Catch::Contains("git fetch from " + url));
    CHECK_THAT(error, !Catch::Contains("tok-3f9a"));
    CHECK_THAT(error, !Catch::Contains(agent::base64_encode("x-access-token:tok-3f9a")));
}

TEST_CASE("git sync over SSH: the deploy key and strict host key checking are used") {
    test::git_repos repos;
    const auto [bin, args_file] = test::write_fake_ssh(repos.root.path);
    test::sh(repos.checkout, "git remote set-url origin ssh://git@example.invalid" +
                                 repos.bare.string());
    const std::string head = repos.commit_and_push("page.html", "over ssh");

    agent::source_request request;
    request.checkout = repos.checkout.string();
    request.git.ssh_key_file = "/run/secrets/deploy_key";
    request.git.known_hosts_file = "/etc/deploy-agent/known_hosts";
    request.commit = head;
    request.ssh_wrapper = DA_AGENT_BINARY;  // the agent itself is git's GIT_SSH
    const std::string path = bin.string() + ":/usr/bin:/bin";
    CHECK(sync_error(request, fake_env({{"PATH", path}})).empty());
    CHECK(repos.head_of_checkout() == head);
    const std::string args = test::read_bytes(args_file.string());
    CHECK_THAT(args, Catch::StartsWith("-i /run/secrets/deploy_key -o IdentitiesOnly=yes "
                                       "-o BatchMode=yes -o StrictHostKeyChecking=yes "
                                       "-o UserKnownHostsFile=/etc/deploy-agent/known_hosts "));
    CHECK_THAT(args, Catch::Contains("git@example.invalid"));
}

TEST_CASE("git env for a deploy key: GIT_SSH names the agent, no shell command line") {
    agent::build_spec::git_spec git;
    git.ssh_key_file = "/run/secrets/deploy_key";
    git.known_hosts_file = "/etc/deploy-agent/known_hosts";
    auto env = agent::git_environment(git, "git@github.com:o/r.git",
                                      fake_env({{"PATH", "/usr/bin"}}),
                                      "/usr/local/bin/deploy-agent");
    CHECK(has(env, "GIT_SSH=/usr/local/bin/deploy-agent"));
    CHECK(has(env, "GIT_SSH_VARIANT=ssh"));
    CHECK(has(env, "DEPLOY_AGENT_GIT_SSH_KEY_FILE=/run/secrets/deploy_key"));
    CHECK(has(env, "DEPLOY_AGENT_GIT_SSH_KNOWN_HOSTS=/etc/deploy-agent/known_hosts"));
    CHECK_THAT(joined(env), !Catch::Contains("GIT_SSH_COMMAND"));
    // Without a wrapper named: the running executable.
    auto own = agent::git_environment(git, "git@github.com:o/r.git", fake_env({}));
    CHECK(has(own, "GIT_SSH=" + agent::this_executable()));
    // As /proc/PID/exe: runnable even when the file was replaced since the agent started.
    CHECK(agent::this_executable() == "/proc/" + std::to_string(::getpid()) + "/exe");
    // Without a deploy key git is not pointed at the agent.
    CHECK_THAT(joined(agent::git_environment(agent::build_spec::git_spec{}, "git@h:o/r",
                                             fake_env({}), "/x")),
               !Catch::Contains("GIT_SSH"));

    CHECK(agent::git_ssh_arguments("/k", "/kh", {"-p", "2222", "git@h", "git-upload-pack 'o/r'"}) ==
          std::vector<std::string>{"ssh", "-i", "/k", "-o", "IdentitiesOnly=yes", "-o",
                                   "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o",
                                   "UserKnownHostsFile=/kh", "-p", "2222", "git@h",
                                   "git-upload-pack 'o/r'"});
}

TEST_CASE("the agent as git's ssh: without ssh on PATH it says so and exits 127") {
    agent::process_spec run;
    run.argv = {DA_AGENT_BINARY, "git@example.invalid", "git-upload-pack 'o/r'"};
    run.env = {"PATH=/da-no-such-dir", "DEPLOY_AGENT_GIT_SSH_KEY_FILE=/k",
               "DEPLOY_AGENT_GIT_SSH_KNOWN_HOSTS=/kh"};
    auto r = agent::run_process(run);
    CHECK(r.exit_code == 127);
    CHECK_THAT(r.err, Catch::Contains("cannot run ssh: No such file or directory"));
    CHECK_THAT(r.err, Catch::Contains("openssh-client"));
    // Without the two variables it is the CLI as always.
    run.argv = {DA_AGENT_BINARY, "--version"};
    run.env = {"PATH=/da-no-such-dir"};
    auto cli = agent::run_process(run);
    CHECK(cli.exit_code == 0);
    CHECK_THAT(cli.out, Catch::StartsWith("deploy-agent "));
}

TEST_CASE("child process: a deadline kills the process group and output is bounded") {
    agent::process_spec slow;
    slow.argv = {"sh", "-c", "sleep 30 & sleep 30"};
    slow.env = {"PATH=/usr/bin:/bin"};
    slow.deadline = std::chrono::milliseconds(300);
    auto r = agent::run_process(slow);
    CHECK(r.timed_out);
    CHECK_FALSE(r.ok());

    agent::process_spec loud;
    loud.argv = {"sh", "-c", "yes | head -c 3000000; echo done >&2; exit 3"};
    loud.env = {"PATH=/usr/bin:/bin"};
    loud.output_limit = 1000;
    auto l = agent::run_process(loud);
    CHECK(l.exit_code == 3);
    CHECK(l.out.size() == 1000);
    CHECK(l.truncated);
    CHECK(l.err == "done\n");

    agent::process_spec missing;
    missing.argv = {"da-no-such-program"};
    missing.env = {"PATH=/usr/bin:/bin"};
    CHECK_THROWS_AS(agent::run_process(missing), std::system_error);
}

}  // namespace git_credentials_test
