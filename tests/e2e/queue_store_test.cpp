// The binary, the engine and the real store together: bursts coalesce, every delivery is
// recorded, and an accepted delivery survives `kill -9` of the agent.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>

#include "intake/signature.hpp"
#include "store/store.hpp"
#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"

namespace queue_store_test {

namespace {

using namespace std::chrono_literals;

const std::string secret = "queue-e2e-secret";

std::string commit_id(int n) {
    std::string hex = std::to_string(n);
    return std::string(40 - hex.size(), 'a') + hex;
}

std::string push_body(const std::string& commit) {
    return R"({"ref":"refs/heads/main","before":"0000000000000000000000000000000000000001","after":")" +
           commit + R"(","created":false,"deleted":false,"forced":false,"repository":{"full_name":"owner/queue-app","name":"queue-app"},"head_commit":{"id":")" +
           commit + R"("},"pusher":{"name":"tester"}})";
}

test::http_result send_push(unsigned short port, const std::string& commit, const std::string& delivery) {
    std::string body = push_body(commit);
    return test::http_request(port, "POST", "/webhook",
                              {{"Content-Type", "application/json"},
                               {"X-GitHub-Event", "push"},
                               {"X-GitHub-Delivery", delivery},
                               {"X-Hub-Signature-256", "sha256=" + agent::hmac_sha256_hex(secret, body)}},
                              body);
}

std::string manifest_for(const std::string& container, const std::string& image) {
    return "version: 1\napps:\n  queue-app:\n    container: " + container + "\n    image: " + image +
           "\n    strategy: restart\n    health: { timeout: 30s, stable_for: 500ms }"
           "\n    triggers:\n      github:\n        repository: owner/queue-app\n        branches: [main]\n";
}

std::string temp_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / test::unique_name(name);
    std::filesystem::create_directories(dir);
    return dir.string();
}

bool terminal(agent::deployment_state s) { return agent::is_terminal(s); }

}  // namespace

TEST_CASE("50 signed pushes in one second: at most 2 deploys, the last commit's ran, all recorded",
          "[e2e][queue]") {
    const test::test_app app("queue");
    const std::string& image = app.image;
    const std::string& container = app.container;

    const std::string data_dir = temp_dir("da-queue-data");
    const std::string manifest = test::write_temp_file("manifest.yaml", manifest_for(container, image));
    test::agent_process agent({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
                              {{"WEBHOOK_SECRET", secret}, {"DATA_DIR", data_dir}});
    const auto port = agent.port();

    int accepted = 0;
    for (int i = 1; i <= 50; ++i) {
        auto res = send_push(port, commit_id(i), "burst-" + std::to_string(i));
        accepted += res.status == 202 ? 1 : 0;
    }
    CHECK(accepted == 50);

    auto db = agent::store::open({.data_dir = data_dir});
    INFO("agent log:\n" << agent.log());
    REQUIRE(test::eventually([&] {
        auto all = db->list_deployments(std::string("queue-app"), 100);
        return all.size() == 50 &&
               std::all_of(all.begin(), all.end(), [](const auto& d) { return terminal(d.state); });
    }));
    auto all = db->list_deployments(std::string("queue-app"), 100);
    int ran = 0;
    for (const auto& d : all) {
        if (d.state != agent::deployment_state::superseded) {
            ++ran;
            CHECK(d.state == agent::deployment_state::succeeded);
        }
    }
    CHECK(ran >= 1);
    CHECK(ran <= 2);
    // Newest first: the last push's deployment is the one that ran last.
    CHECK(all.front().commit == commit_id(50));
    CHECK(all.front().state == agent::deployment_state::succeeded);
    for (int i = 1; i <= 50; ++i) {
        CHECK(db->find_delivery("burst-" + std::to_string(i)).has_value());
    }

    // A redelivery of an accepted delivery is acknowledged, not deployed again.
    auto again = send_push(port, commit_id(50), "burst-50");
    CHECK(again.status == 200);
    CHECK_THAT(again.body, Catch::Contains("duplicate"));
    CHECK(db->list_deployments(std::string("queue-app"), 100).size() == 50);
}

TEST_CASE("an accepted delivery survives kill -9 of the agent and runs after the restart",
          "[e2e][queue]") {
    const test::test_app app("crash");
    const std::string& image = app.image;
    const std::string& container = app.container;
    const std::string started_before =
        test::docker_ok({"inspect", "--format", "{{.State.StartedAt}}", container});

    const std::string data_dir = temp_dir("da-crash-data");
    const std::string manifest = test::write_temp_file("manifest.yaml", manifest_for(container, image));
    std::int64_t id = 0;
    {
        // A long debounce keeps the job queued: the agent dies between its 202 and the deploy.
        test::agent_process agent({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
                                  {{"WEBHOOK_SECRET", secret}, {"DATA_DIR", data_dir},
                                   {"DEPLOY_DEBOUNCE_MS", "60000"}});
        auto res = send_push(agent.port(), commit_id(7), "crash-1");
        REQUIRE(res.status == 202);
        agent.kill_with(SIGKILL);
        auto db = agent::store::open({.data_dir = data_dir});
        auto d = db->list_deployments(std::string("queue-app"), 10);
        REQUIRE(d.size() == 1);
        CHECK(d.front().state == agent::deployment_state::queued);
        id = d.front().id;
    }
    CHECK(test::docker_ok({"inspect", "--format", "{{.State.StartedAt}}", container}) == started_before);

    test::agent_process restarted({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
                                  {{"WEBHOOK_SECRET", secret}, {"DATA_DIR", data_dir},
                                   {"DEPLOY_DEBOUNCE_MS", "0"}});
    restarted.port();
    INFO("agent log:\n" << restarted.log());
    auto db = agent::store::open({.data_dir = data_dir});
    REQUIRE(test::eventually([&] {
        auto d = db->get_deployment(id);
        return d && terminal(d->state);
    }));
    CHECK(db->get_deployment(id)->state == agent::deployment_state::succeeded);
    CHECK(test::docker_ok({"inspect", "--format", "{{.State.StartedAt}}", container}) != started_before);
}

TEST_CASE("deploy-agent deploy runs one deployment now, prints its steps and records it",
          "[e2e][queue]") {
    const test::test_app app("cli");
    const std::string& image = app.image;
    const std::string& container = app.container;
    const std::string started_before =
        test::docker_ok({"inspect", "--format", "{{.State.StartedAt}}", container});

    const std::string data_dir = temp_dir("da-cli-data");
    const std::string manifest = test::write_temp_file("manifest.yaml", manifest_for(container, image));
    auto [code, output] = test::run_agent_command({"deploy", "queue-app", "--manifest", manifest, "--wait"},
                                                  {{"DATA_DIR", data_dir}});
    INFO(output);
    CHECK(code == 0);
    CHECK_THAT(output, Catch::Contains("restarting container " + container));
    CHECK_THAT(output, Catch::Contains("queue-app: succeeded"));
    CHECK(test::docker_ok({"inspect", "--format", "{{.State.StartedAt}}", container}) != started_before);
    auto db = agent::store::open({.data_dir = data_dir});
    auto d = db->list_deployments(std::string("queue-app"), 10);
    REQUIRE(d.size() == 1);
    CHECK(d.front().trigger == "cli");
    CHECK(d.front().state == agent::deployment_state::succeeded);
    CHECK_FALSE(db->steps(d.front().id).empty());

    auto [unknown_code, unknown_output] =
        test::run_agent_command({"deploy", "nope", "--manifest", manifest}, {{"DATA_DIR", data_dir}});
    CHECK(unknown_code == 2);
    CHECK_THAT(unknown_output, Catch::Contains("queue-app"));
}

TEST_CASE("the API through the binary: a token from 'deploy-agent token', history, manual deploy",
          "[e2e][api]") {
    const test::test_app app("api");
    const std::string& image = app.image;
    const std::string& container = app.container;

    const std::string jwt_secret = "api-e2e-jwt-secret-at-least-32-bytes";
    auto [code, token_out] = test::run_agent_command({"token", "--ttl", "10m"}, {{"JWT_SECRET", jwt_secret}});
    REQUIRE(code == 0);
    std::string token = token_out.substr(0, token_out.find('\n'));
    REQUIRE(std::count(token.begin(), token.end(), '.') == 2);

    const std::string data_dir = temp_dir("da-api-data");
    const std::string manifest = test::write_temp_file("manifest.yaml", manifest_for(container, image));
    test::agent_process agent({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
                              {{"WEBHOOK_SECRET", secret}, {"DATA_DIR", data_dir},
                               {"JWT_SECRET", jwt_secret}, {"DEPLOY_DEBOUNCE_MS", "0"}});
    const auto port = agent.port();
    const std::vector<std::pair<std::string, std::string>> auth = {{"Authorization", "Bearer " + token}};

    CHECK(test::http_request(port, "GET", "/api/apps").status == 401);
    CHECK(test::http_request(port, "GET", "/api/apps", {{"Authorization", "Bearer " + token + "x"}}).status == 401);
    auto apps = test::http_request(port, "GET", "/api/apps", auth);
    CHECK(apps.status == 200);
    CHECK_THAT(apps.body, Catch::Contains("\"name\":\"queue-app\""));
    CHECK(test::http_request(port, "POST", "/api/apps/not-in-manifest/deploy", auth).status == 404);

    auto deploy = test::http_request(port, "POST", "/api/apps/queue-app/deploy?force=1", auth);
    INFO(deploy.body << "\n" << agent.log());
    REQUIRE(deploy.status == 202);
    auto db = agent::store::open({.data_dir = data_dir});
    REQUIRE(test::eventually([&] {
        auto d = db->list_deployments(std::string("queue-app"), 10);
        return d.size() == 1 && terminal(d.front().state);
    }));
    auto id = db->list_deployments(std::string("queue-app"), 10).front().id;
    auto one = test::http_request(port, "GET", "/api/deployments/" + std::to_string(id), auth);
    CHECK(one.status == 200);
    CHECK_THAT(one.body, Catch::Contains("\"state\":\"succeeded\""));
    CHECK_THAT(one.body, Catch::Contains("\"steps\":["));
    auto list = test::http_request(port, "GET", "/api/deployments?app=queue-app&limit=5", auth);
    CHECK(list.status == 200);
    CHECK_THAT(list.body, Catch::Contains("\"trigger\":\"api\""));
}

}  // namespace queue_store_test
