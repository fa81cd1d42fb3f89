// Commit statuses against an in-test forge API on loopback (a real HTTP server, the agent's real
// HTTP client): pending then the outcome, each forge's path, body and Authorization header.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "notify/commit_status.hpp"
#include "support/http_receiver.hpp"

namespace commit_status_test {

using namespace agent;
using namespace std::chrono_literals;

namespace {

const std::string status_token = "status-token-0123456789abcdef";
const std::string sha = "0123456789abcdef0123456789abcdef01234567";

manifest status_manifest(const std::string& base) {
    return parse_manifest("version: 1\napps:\n"
                          "  web:\n    image: x\n    triggers:\n"
                          "      github: { repository: acme/web, branches: [main] }\n"
                          "      gitea: { repository: acme/web, branches: [main] }\n"
                          "      gitlab: { repository: acme/sub/web, branches: [main] }\n"
                          "    status: { token_env: WEB_STATUS_TOKEN, url: \"" +
                              base + "/\" }\n"
                              "  quiet:\n    image: y\n    triggers:\n"
                              "      github: { repository: acme/quiet, branches: [main] }\n",
                          "m.yaml");
}

struct status_rig {
    test::http_receiver forge;
    boost::asio::io_context io;
    std::shared_ptr<const manifest> m =
        std::make_shared<const manifest>(status_manifest(forge.url() + "/git"));
    notify::commit_status_reporter reporter{
        io.get_executor(), notify::make_http_transport(io.get_executor()),
        [this] { return m; }, options()};

    explicit status_rig(std::vector<unsigned> statuses = {201}) : forge(std::move(statuses)) {}

    notify::commit_status_options options() {
        notify::commit_status_options o;
        o.github_api_url = forge.url() + "/api";
        o.public_url = "https://deploy.example.com";
        o.first_retry = 10ms;
        o.attempts = 3;
        o.token_of = [](std::string_view name) -> std::optional<std::string> {
            if (name == "WEB_STATUS_TOKEN") {
                return status_token;
            }
            return std::nullopt;
        };
        return o;
    }

    void run() {
        io.restart();
        io.run();
    }
};

deployment_record ended(std::int64_t id, const std::string& app, const std::string& trigger,
                        deployment_state state, const std::string& error = "") {
    deployment_record d;
    d.id = id;
    d.app = app;
    d.trigger = trigger;
    d.commit = sha;
    d.state = state;
    d.error = error;
    return d;
}

void check_token_only_in_authorization(const test::received_request& r,
                                       const std::string& expected) {
    CHECK(r.headers.at("authorization") == expected);
    CHECK(r.body.find(status_token) == std::string::npos);
    CHECK(r.target.find(status_token) == std::string::npos);
    for (const auto& [name, value] : r.headers) {
        if (name != "authorization") {
            CHECK(value.find(status_token) == std::string::npos);
        }
    }
}

}  // namespace

TEST_CASE("GitHub gets pending then success, in that order, with the token in Authorization",
          "[notify][forge]") {
    status_rig rig;
    rig.reporter.deployment_started(7, planned_job{"web", "deploy", "github", sha, "d1", false});
    rig.reporter.deployment_finished(ended(7, "web", "github", deployment_state::succeeded));
    rig.run();
    const auto sent = rig.forge.requests();
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].method == "POST");
    CHECK(sent[0].target == "/api/repos/acme/web/statuses/" + sha);
    CHECK(sent[0].body == R"({"state":"pending","target_url":"https://deploy.example.com/)"
                          R"(deployments/7","description":"deploying web",)"
                          R"("context":"deploy-agent/web"})");
    CHECK_THAT(sent[1].body, Catch::Contains(R"("state":"success")"));
    CHECK(sent[1].headers.at("accept") == "application/vnd.github+json");
    for (const auto& r : sent) {
        check_token_only_in_authorization(r, "Bearer " + status_token);
    }
    CHECK(rig.reporter.in_flight() == 0);
}

TEST_CASE("Gitea and GitLab get their own paths, and a rollback is a failure with its reason",
          "[notify][forge]") {
    status_rig rig;
    rig.reporter.deployment_started(8, planned_job{"web", "deploy", "gitea", sha, "", false});
    rig.reporter.deployment_finished(
        ended(8, "web", "gitea", deployment_state::rolled_back,
              "the new container was not healthy within 60 s: exited with code 1"));
    rig.reporter.deployment_started(9, planned_job{"web", "deploy", "gitlab", sha, "", false});
    rig.reporter.deployment_finished(ended(9, "web", "gitlab", deployment_state::failed,
                                           std::string(300, 'x')));
    rig.run();
    auto sent = rig.forge.requests();
    REQUIRE(sent.size() == 4);
    std::vector<test::received_request> gitea;
    std::vector<test::received_request> gitlab;
    for (auto& r : sent) {
        (r.target.find("/api/v1/") != std::string::npos ? gitea : gitlab).push_back(r);
    }
    REQUIRE(gitea.size() == 2);
    REQUIRE(gitlab.size() == 2);
    CHECK(gitea[0].target == "/git/api/v1/repos/acme/web/statuses/" + sha);
    CHECK_THAT(gitea[0].body, Catch::Contains(R"("state":"pending")"));
    CHECK_THAT(gitea[1].body,
               Catch::Contains(R"("state":"failure","target_url":"https://deploy.example.com/)"
                               R"(deployments/8","description":"rolled_back: the new container)"
                               R"( was not healthy within 60 s: exited with code 1")"));
    for (const auto& r : gitea) {
        check_token_only_in_authorization(r, "token " + status_token);
    }
    CHECK(gitlab[0].target == "/git/api/v4/projects/acme%2Fsub%2Fweb/statuses/" + sha);
    CHECK_THAT(gitlab[0].body, Catch::Contains(R"("state":"running")"));
    CHECK_THAT(gitlab[1].body, Catch::Contains(R"("state":"failed")"));
    // GitHub refuses a description over 140 characters: every forge gets at most that.
    CHECK_THAT(gitlab[1].body, Catch::Contains(R"("description":"failed: )" +
                                               std::string(129, 'x') + R"(...")"));
    for (const auto& r : gitlab) {
        check_token_only_in_authorization(r, "Bearer " + status_token);
    }
}

TEST_CASE("a status is retried after a 500, not after a 401, and apps without status: send none",
          "[notify][forge]") {
    status_rig rig({500, 201});
    rig.reporter.deployment_finished(ended(3, "web", "github", deployment_state::succeeded));
    rig.reporter.deployment_finished(ended(4, "quiet", "github", deployment_state::succeeded));
    rig.reporter.deployment_finished(ended(5, "web", "api", deployment_state::succeeded));
    rig.run();
    auto sent = rig.forge.requests();
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].body == sent[1].body);

    status_rig refused({401});
    refused.reporter.deployment_finished(ended(6, "web", "github", deployment_state::failed));
    refused.run();
    CHECK(refused.forge.count() == 1);
}

TEST_CASE("the states a deployment's end reports", "[notify][forge]") {
    CHECK(notify::status_state_of(deployment_state::succeeded) == "success");
    CHECK(notify::status_state_of(deployment_state::failed) == "failure");
    CHECK(notify::status_state_of(deployment_state::rolled_back) == "failure");
    CHECK(notify::status_state_of(deployment_state::superseded) == "error");
    CHECK(notify::status_state_of(deployment_state::recovered) == "error");
    CHECK(notify::status_state_of(deployment_state::running).empty());
}

TEST_CASE("status: in the manifest: token_env, url for Gitea/GitLab, https or loopback http",
          "[manifest][forge]") {
    const auto problems_of = [](const std::string& yaml) {
        try {
            parse_manifest(yaml, "m.yaml");
        } catch (const manifest_error& e) {
            return e.problems();
        }
        return std::vector<std::string>{};
    };
    const std::string head = "version: 1\napps:\n  web:\n    image: x\n    triggers:\n"
                             "      gitea: { repository: a/b, branches: [main] }\n";
    CHECK(problems_of(head + "    status: { token_env: T, url: \"https://git.example.com\" }\n")
              .empty());
    CHECK(problems_of(head + "    status: { token_env: T, url: \"http://127.0.0.1:3000\" }\n")
              .empty());
    auto p = problems_of(head + "    status: { token_env: T, url: \"http://git.example.com\" }\n");
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0], Catch::StartsWith("m.yaml:7:34: apps.web.status.url 'http://git.example.com'"
                                       " is http:// to a host that is not loopback"));
    p = problems_of(head + "    status: { token_env: T }\n");
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0], Catch::Contains("apps.web.status needs 'url'"));
    p = problems_of(head + "    status: { url: \"https://g.example\" }\n");
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0], Catch::Contains("needs 'token_env'"));
}

}  // namespace commit_status_test
