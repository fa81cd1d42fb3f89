// strategy build over SSH through the binary: the checkout's remote is a real OpenSSH server in a
// container (test::ssh_git_server), reached with the manifest's deploy key and known_hosts, as
// issue #11 asks. Git runs the agent binary as its GIT_SSH, which execs this machine's ssh with the
// key and strict host key checking; `doctor` lists the remote's branch the same way.
#include <chrono>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "support/agent_process.hpp"
#include "support/build_app_rig.hpp"
#include "support/engine.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/git_repos.hpp"
#include "support/http_client.hpp"
#include "support/signed_push.hpp"
#include "support/ssh_server.hpp"

namespace build_ssh_test {

namespace {

using namespace std::chrono_literals;

const std::string secret = "build-ssh-e2e-secret";
const std::string jwt_secret = "build-ssh-e2e-jwt-secret-0123456789abcdef";
const std::string repository = "da-e2e/site-over-ssh";

std::string dockerfile(const std::string& base) {
    return "FROM " + base + "\nLABEL io.deploy-agent.test=1\nCOPY page.html /www/index.html\n" +
           "STOPSIGNAL SIGKILL\nCMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\n";
}

// pull: false: the base image exists on the engine only (no registry is needed).
std::string manifest(const std::string& app, const std::string& image, const std::string& context,
                     const std::string& key, const std::string& known_hosts) {
    return "version: 1\napps:\n  " + app + ":\n    container: " + app + "\n    image: " + image +
           "\n    strategy: build\n    build:\n      context: " + context +
           "\n      pull: false\n      git: { remote: origin, branch: main, ssh_key_file: " + key +
           ", known_hosts_file: " + known_hosts + " }\n" +
           "    health: { timeout: 30s, stable_for: 1s }\n" +
           "    triggers:\n      github:\n        repository: " + repository +
           "\n        branches: [main]\n";
}

// Logins sshd accepted so far.
std::size_t logins_of(const test::ssh_git_server& server) {
    const std::string log = server.log();
    const std::string accepted = "Accepted publickey for git";
    std::size_t count = 0;
    for (auto at = log.find(accepted); at != std::string::npos; at = log.find(accepted, at + 1)) {
        ++count;
    }
    return count;
}

enum class host_key { servers, foreign };

struct ssh_build_rig : test::build_app_rig {
    const std::string base = test::unique_name("da-e2e/ssh-base") + ":local";
    test::ssh_git_server server;

    // `agent_host_key` chooses the known_hosts the manifest names for the agent's ssh.
    explicit ssh_build_rig(host_key agent_host_key)
        // This file's constants, not the base's members of the same names (not set yet).
        : test::build_app_rig("da-build-ssh", build_ssh_test::repository,
                              build_ssh_test::secret, build_ssh_test::jwt_secret) {
        const std::filesystem::path known_hosts = agent_host_key == host_key::servers
                                                      ? server.known_hosts()
                                                      : server.foreign_known_hosts();
        images.add(base);
        test::build_image(base, "RUN mkdir /www");
        // The developer pushes over SSH too (with the right known_hosts); the checkout has no
        // ssh settings of its own, so the agent's fetch uses only what the manifest gives.
        test::sh(repos.dev, "git remote set-url origin " + server.url() +
                                " && git config core.sshCommand '" + server.ssh_command() +
                                "' && git push -q origin main");
        test::sh(repos.checkout, "git remote set-url origin " + server.url());
        start(manifest(app, image, repos.checkout.string(), server.client_key().string(),
                       known_hosts.string()));
    }

    // `deploy-agent doctor` on the same manifest: its line for the app's build context.
    std::string doctor_line() const {
        auto [code, out] = test::run_agent_command({"doctor", "--manifest", manifest_path},
                                                   {{"WEBHOOK_SECRET", secret}});
        INFO(out);
        const auto at = out.find("app " + app + " build context: ");
        REQUIRE(at != std::string::npos);
        return out.substr(at, out.find('\n', at) - at);
    }
};

}  // namespace

TEST_CASE("build over SSH: a commit pushed to a real OpenSSH server is fetched by ssh with the "
          "deploy key and strict host key checking, built, and serves",
          "[e2e][build][ssh]") {
    ssh_build_rig rig(host_key::servers);
    rig.repos.commit_and_push("Dockerfile", dockerfile(rig.base));
    const std::string before = rig.repos.commit_and_push("page.html", "page one");
    const std::string after = rig.repos.commit_and_push("page.html", "page over ssh");

    const auto logins = logins_of(rig.server);
    std::string deployed = rig.deliver(before, after);
    INFO(deployed << "\nagent log:\n" << rig.agent->log() << "\nsshd log:\n" << rig.server.log());
    CHECK_THAT(deployed, Catch::Contains("\"state\":\"succeeded\""));
    CHECK_THAT(deployed, Catch::Contains("\"commit\":\"" + after + "\""));
    CHECK_THAT(deployed, Catch::Contains("checked out " + after.substr(0, 12)));
    CHECK(rig.page() == "page over ssh");
    CHECK(rig.repos.head_of_checkout() == after);
    CHECK(test::docker_ok({"inspect", "--format",
                           "{{index .Config.Labels \"io.deploy-agent.commit\"}}", rig.image}) ==
          after);
    // The agent's fetch logged in with the deploy key (the developer's pushes use it too).
    CHECK(logins_of(rig.server) > logins);
    CHECK(rig.doctor_line() == "app " + rig.app + " build context: git checkout; remote " +
                                   "'origin' (" + rig.server.url() + ") has branch main");
}

TEST_CASE("build over SSH: a known_hosts without the server's key fails the deploy with ssh's "
          "host key verification, the old container still serving",
          "[e2e][build][ssh]") {
    ssh_build_rig rig(host_key::foreign);
    const std::string serving = test::docker_ok({"inspect", "--format", "{{.Id}}", rig.container});
    rig.repos.commit_and_push("Dockerfile", dockerfile(rig.base));
    const std::string before = rig.repos.commit_and_push("page.html", "page one");
    const std::string after = rig.repos.commit_and_push("page.html", "never deployed");

    std::string failed = rig.deliver(before, after);
    INFO(failed << "\nagent log:\n" << rig.agent->log() << "\nsshd log:\n" << rig.server.log());
    CHECK_THAT(failed, Catch::Contains("\"state\":\"failed\""));
    CHECK_THAT(failed, Catch::Contains("Host key verification failed"));
    CHECK(test::docker_ok({"inspect", "--format", "{{.Id}}", rig.container}) == serving);
    CHECK(rig.page() == "initial\n");
    CHECK(rig.repos.head_of_checkout() != after);
    // Doctor names ssh's reason, not the first line of its "host identification has changed"
    // banner. (The Dockerfile never reached the checkout: doctor checks that it is there first.)
    std::ofstream(rig.repos.checkout / "Dockerfile") << dockerfile(rig.base);
    CHECK_THAT(rig.doctor_line(), Catch::EndsWith("did not list branch main: Host key "
                                                  "verification failed."));
}

}  // namespace build_ssh_test
