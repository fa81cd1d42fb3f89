// The build keys added for git sync and build timeouts, and the Swarm/build combination.
#include <catch2/catch.hpp>

#include <algorithm>

#include "manifest/manifest.hpp"

namespace manifest_build_git_test {

using namespace agent;

namespace {

std::vector<std::string> problems_of(const std::string& yaml) {
    try {
        parse_manifest(yaml, "m.yaml");
    } catch (const manifest_error& e) {
        return e.problems();
    }
    return {};
}

std::string joined(const std::vector<std::string>& lines) {
    std::string all;
    for (const auto& l : lines) {
        all += l + "\n";
    }
    return all;
}

const std::string head = "version: 1\napps:\n  web:\n    image: web:local\n    strategy: build\n";

}  // namespace

TEST_CASE("build.timeout and the git credentials and discard keys are read", "[manifest]") {
    auto m = parse_manifest(head +
                                "    build:\n"
                                "      context: /srv/web\n"
                                "      timeout: 45m\n"
                                "      git:\n"
                                "        branch: release/v2\n"
                                "        discard_local_changes: true\n"
                                "        token_env: GH_TOKEN\n"
                                "        token_user: oauth2\n",
                            "m.yaml");
    const auto& b = *m.apps.at(0).build;
    CHECK(b.timeout == std::chrono::minutes(45));
    REQUIRE(b.git);
    CHECK(b.git->branch == "release/v2");
    CHECK(b.git->discard_local_changes);
    CHECK(b.git->token_env == "GH_TOKEN");
    CHECK(b.git->token_user == "oauth2");
    CHECK(b.git->ssh_key_file.empty());

    auto ssh = parse_manifest(head +
                                  "    build:\n"
                                  "      context: /srv/web\n"
                                  "      git: { ssh_key_file: /run/secrets/deploy_key,"
                                  " known_hosts_file: /etc/ssh/known_hosts }\n",
                              "m.yaml");
    const auto& g = *ssh.apps.at(0).build->git;
    CHECK(g.ssh_key_file == "/run/secrets/deploy_key");
    CHECK(g.known_hosts_file == "/etc/ssh/known_hosts");
    CHECK_FALSE(g.discard_local_changes);
    CHECK(ssh.apps.at(0).build->timeout == std::chrono::minutes(30));
}

TEST_CASE("bad git credentials and timeouts and build on a service are FILE:LINE:COL errors",
          "[manifest]") {
    auto problems = problems_of(head +
                                "    build:\n"                                       // 6
                                "      context: /srv/web\n"                          // 7
                                "      timeout: 1s\n"                                // 8
                                "      git:\n"                                       // 9
                                "        token_env: gh-token\n"                      // 10
                                "        ssh_key_file: \"/keys/id;rm -rf /\"\n"      // 11
                                "        discard_local_changes: sometimes\n");       // 12
    INFO(joined(problems));
    auto has_prefix = [&](const std::string& prefix) {
        return std::any_of(problems.begin(), problems.end(),
                           [&](const std::string& p) { return p.rfind(prefix, 0) == 0; });
    };
    CHECK(has_prefix("m.yaml:8:16: apps.web.build.timeout"));
    CHECK(has_prefix("m.yaml:10:20: apps.web.build.git.token_env"));
    CHECK(has_prefix("m.yaml:11:23: apps.web.build.git.ssh_key_file: '/keys/id;rm -rf /' is not "
                     "an absolute path"));
    CHECK(has_prefix("m.yaml:12:32: apps.web.build.git.discard_local_changes must be true or false"));

    auto both = problems_of(head +
                            "    build:\n      context: /srv/web\n"
                            "      git: { token_env: T, ssh_key_file: /k }\n");
    INFO(joined(both));
    CHECK(std::any_of(both.begin(), both.end(), [](const std::string& p) {
        return p.find("either token_env (HTTPS) or ssh_key_file (SSH)") != std::string::npos;
    }));

    auto service = problems_of("version: 1\napps:\n  web:\n    service: web\n    image: web:1\n"
                               "    strategy: build\n    build: { context: /srv/web }\n");
    INFO(joined(service));
    CHECK(std::any_of(service.begin(), service.end(), [](const std::string& p) {
        return p.rfind("m.yaml:4:5: apps.web: strategy build cannot drive a Swarm service", 0) == 0;
    }));
}

}  // namespace manifest_build_git_test
