// The accept stage's pure decision: each outcome for each kind of entry.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "accept/decision.hpp"
#include "manifest/manifest.hpp"

namespace decision_test {

using namespace agent;
using kind = accept_decision::kind;

namespace {

const std::string commit_a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string commit_b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

const manifest& test_manifest() {
    static const manifest m = parse_manifest(
        "version: 1\napps:\n"
        "  web:\n    strategy: restart\n    triggers:\n"
        "      github: { repository: octo/web, branches: [main] }\n"
        "  worker:\n    strategy: restart\n    triggers:\n"
        "      github: { repository: octo/web, branches: [main] }\n"
        "  api:\n    strategy: restart\n"
        "    secrets:\n      infisical: { project: p1, environment: prod, path: /api }\n"
        "    auto_redeploy: true\n",
        "decision-test.yaml");
    return m;
}

github_verdict push_verdict(std::vector<std::string> authorized = {"web", "worker"},
                            std::string ref = "refs/heads/main") {
    github_verdict v;
    v.result = outcome::queued;
    v.what = github_verdict::kind::push;
    v.event = "push";
    v.delivery_id = "d-1";
    github_push push;
    push.delivery_id = "d-1";
    push.repository = "octo/web";
    push.ref = ref;
    push.before = commit_a;
    push.after = commit_b;
    push.commit = commit_b;
    v.push = push;
    v.authorized_apps = std::move(authorized);
    return v;
}

std::vector<std::string> apps_of(const std::vector<planned_job>& jobs) {
    std::vector<std::string> apps;
    for (const auto& j : jobs) {
        apps.push_back(j.app);
    }
    return apps;
}

infisical_verdict change_verdict(std::string path = "/api") {
    infisical_verdict v;
    v.result = outcome::done;
    v.what = infisical_verdict::kind::change;
    v.event = "secrets.modified";
    v.change = infisical_change{"secrets.modified", "p1", "prod", std::move(path), std::nullopt};
    v.replay_key = "infisical:1";
    return v;
}

}  // namespace

TEST_CASE("accept decision: a refused or ignored GitHub delivery", "[accept]") {
    github_verdict refused;
    refused.what = github_verdict::kind::refused;
    refused.refusal_code = "bad_signature";
    auto d = decide_github_delivery(test_manifest(), refused, {}, {});
    CHECK(d.what == kind::refuse);
    CHECK(d.reason == "bad_signature");
    CHECK(d.jobs.empty());

    github_verdict ping;
    ping.what = github_verdict::kind::ping;
    ping.reason = "pong: hook 1";
    d = decide_github_delivery(test_manifest(), ping, {}, {});
    CHECK(d.what == kind::ignore);
    CHECK(d.reason == "pong: hook 1");
}

TEST_CASE("accept decision: a push seen before is a duplicate", "[accept]") {
    auto d = decide_github_delivery(test_manifest(), push_verdict(), {true, false}, {});
    CHECK(d.what == kind::duplicate);
    CHECK(d.reason == "duplicate: delivery d-1 was already accepted");
    CHECK(d.jobs.empty());
    d = decide_github_delivery(test_manifest(), push_verdict(), {false, true}, {});
    CHECK(d.what == kind::duplicate);
    CHECK(d.reason ==
          "duplicate: push aaaaaaaaaaaa..bbbbbbbbbbbb to refs/heads/main was already "
          "accepted");
    CHECK(d.in_flight.empty());
}

TEST_CASE("accept decision: a push no authorized app deploys is ignored", "[accept]") {
    auto d = decide_github_delivery(test_manifest(), push_verdict({}), {}, {});
    CHECK(d.what == kind::ignore);
    CHECK(d.reason == "ignored: no app deploys octo/web refs/heads/main");
    d = decide_github_delivery(test_manifest(), push_verdict({"web"}, "refs/heads/dev"), {}, {});
    CHECK(d.what == kind::ignore);
}

TEST_CASE("accept decision: the apps a push deploys are the planner's among the authorized",
          "[accept]") {
    auto d = decide_github_delivery(test_manifest(), push_verdict({"worker", "api"}), {}, {});
    CHECK(d.what == kind::accept);
    CHECK(apps_of(d.jobs) == std::vector<std::string>{"worker"});
    CHECK(d.jobs[0].commit == commit_b);
    CHECK(d.jobs[0].delivery_id == "d-1");
    CHECK(d.reason == "1 deployment(s) queued");
}

TEST_CASE("accept decision: a commit already in flight is not queued again", "[accept]") {
    std::map<std::string, std::int64_t> running{{"web", 7}};
    in_flight_lookup lookup = [&](std::string_view app,
                                  std::string_view commit) -> std::optional<std::int64_t> {
        auto it = running.find(std::string(app));
        if (it == running.end() || commit != commit_b) {
            return std::nullopt;
        }
        return it->second;
    };
    auto d = decide_github_delivery(test_manifest(), push_verdict(), {}, lookup);
    CHECK(d.what == kind::accept);
    CHECK(apps_of(d.jobs) == std::vector<std::string>{"worker"});
    CHECK(d.in_flight.empty());

    running["worker"] = 8;
    d = decide_github_delivery(test_manifest(), push_verdict(), {}, lookup);
    CHECK(d.what == kind::duplicate);
    CHECK(d.jobs.empty());
    CHECK(d.in_flight == std::vector<std::int64_t>{7, 8});
    CHECK(d.reason == "duplicate: commit bbbbbbbbbbbb is already queued as deployment 7,8");
}

TEST_CASE("accept decision: Infisical deliveries", "[accept]") {
    const auto_redeploy_policy on{true, std::nullopt};
    infisical_verdict refused;
    refused.what = infisical_verdict::kind::refused;
    refused.refusal_code = "stale";
    CHECK(decide_infisical_delivery(test_manifest(), refused, {}, on).what == kind::refuse);

    infisical_verdict test_event = change_verdict();
    test_event.what = infisical_verdict::kind::test;
    test_event.reason = "test event";
    auto d = decide_infisical_delivery(test_manifest(), test_event, {}, on);
    CHECK(d.what == kind::ignore);
    CHECK(d.jobs.empty());

    d = decide_infisical_delivery(test_manifest(), change_verdict(), {false, true}, on);
    CHECK(d.what == kind::duplicate);
    CHECK(d.reason == "duplicate: signature already accepted");

    d = decide_infisical_delivery(test_manifest(), change_verdict(), {}, on);
    CHECK(d.what == kind::accept);
    CHECK(apps_of(d.jobs) == std::vector<std::string>{"api"});
    CHECK(d.jobs[0].trigger == "infisical");
    CHECK(d.jobs[0].force);
    d = decide_infisical_delivery(test_manifest(), change_verdict(), {}, {});
    CHECK(d.what == kind::accept);
    CHECK(d.jobs.empty());
    d = decide_infisical_delivery(test_manifest(), change_verdict("/web"), {}, on);
    CHECK(d.what == kind::accept);
    CHECK(d.jobs.empty());
}

TEST_CASE("accept decision: manual deploys and secret redeploys", "[accept]") {
    auto d = decide_manual_request(test_manifest(), manual_request{"nope", false, "me"}, "api");
    CHECK(d.what == kind::refuse);
    CHECK(d.reason == "unknown app");
    d = decide_manual_request(test_manifest(), manual_request{"web", true, "me"}, "status-page");
    CHECK(d.what == kind::accept);
    REQUIRE(d.jobs.size() == 1);
    CHECK(d.jobs[0].app == "web");
    CHECK(d.jobs[0].trigger == "status-page");
    CHECK(d.jobs[0].force);

    // The planner's jobs (an Infisical change at /api), kept where the app's secrets changed
    // and the app is still in the manifest; no app of its own.
    std::vector<planned_job> planned =
        decide_infisical_delivery(test_manifest(), change_verdict(), {}, {true, std::nullopt}).jobs;
    REQUIRE(apps_of(planned) == std::vector<std::string>{"api"});
    planned.push_back(planned_job{"gone", "deploy", "infisical", "", "", true});
    d = decide_secret_redeploy(test_manifest(), planned, {"gone", "api", "web"});
    CHECK(d.what == kind::accept);
    CHECK(apps_of(d.jobs) == std::vector<std::string>{"api"});
    CHECK(d.jobs[0].trigger == "infisical");
    CHECK(d.jobs[0].force);
    d = decide_secret_redeploy(test_manifest(), planned, {"gone"});
    CHECK(d.what == kind::ignore);
    CHECK(d.jobs.empty());
    d = decide_secret_redeploy(test_manifest(), planned, {});
    CHECK(d.what == kind::ignore);
    CHECK(d.reason == "no app's secrets changed");
    d = decide_secret_redeploy(test_manifest(), {}, {"api", "web"});
    CHECK(d.what == kind::ignore);
}

}  // namespace decision_test
