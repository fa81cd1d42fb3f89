// The built deploy-agent binary as a process, a real engine, a real registry, signed deliveries.
#include <chrono>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>

#include "intake/signature.hpp"
#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"

namespace webhook_deploy_test {

namespace {

using namespace std::chrono_literals;

const std::string secret = "e2e-secret-It's a Secret to Everybody";
const std::string push_fixture = "go-playground-webhooks/push.json";  // binkkatal/sample_app, master


std::string manifest_for(const std::string& container, const std::string& image,
                         const std::string& strategy) {
    return "version: 1\napps:\n  e2e-app:\n    container: " + container + "\n    image: " + image +
           "\n    strategy: " + strategy +
           "\n    health: { timeout: 30s, stable_for: 1s }"
           "\n    triggers:\n      github:\n        repository: binkkatal/sample_app\n"
           "        branches: [master]\n";
}

std::vector<std::pair<std::string, std::string>> push_headers(const std::string& body,
                                                              const std::string& key,
                                                              const std::string& delivery) {
    return {{"Content-Type", "application/json"},
            {"X-GitHub-Event", "push"},
            {"X-GitHub-Delivery", delivery},
            {"X-Hub-Signature-256", "sha256=" + agent::hmac_sha256_hex(key, body)}};
}

std::string inspect(const std::string& container, const std::string& format) {
    return test::docker_ok({"inspect", "--format", format, container});
}

struct running_agent {
    std::string manifest_path;
    test::agent_process process;
    running_agent(const std::string& manifest, std::map<std::string, std::string> env)
        : manifest_path(test::write_temp_file("manifest.yaml", manifest)),
          process({"serve", "--manifest", manifest_path, "--listen", "127.0.0.1:0"}, with_defaults(std::move(env))) {}

    static std::map<std::string, std::string> with_defaults(std::map<std::string, std::string> env) {
        env.emplace("LOG_LEVEL", "debug");
        env.emplace("DATA_DIR", std::filesystem::path(test::write_temp_file("data/.keep", "")).parent_path().string());
        return env;
    }
};

}  // namespace

TEST_CASE("a signed push restarts the app's container", "[e2e]") {
    const test::test_app app("restart");
    const std::string& image = app.image;
    const std::string& container = app.container;
    const std::string started_before = inspect(container, "{{.State.StartedAt}}");

    running_agent agent(manifest_for(container, image, "restart"), {{"WEBHOOK_SECRET", secret}});
    const std::string body = test::fixture(push_fixture);
    auto res = test::http_request(agent.process.port(), "POST", "/webhook",
                                  push_headers(body, secret, "e2e-restart-1"), body);
    INFO("answer: " << res.body << "\nagent log:\n" << agent.process.log());
    REQUIRE(res.status == 202);
    CHECK_THAT(res.body, Catch::Contains("\"deployments\""));
    CHECK(test::eventually([&] { return inspect(container, "{{.State.StartedAt}}") != started_before; }));
    CHECK(inspect(container, "{{.State.Running}}") == "true");
    CHECK(agent.process.wait_for_log("succeeded", 30s));
}

TEST_CASE("a signed push pulls the new image under the same tag and recreates the container",
          "[e2e]") {
    const std::string ref = test::registry() + "/" + test::unique_name("da-e2e-pull") + ":latest";
    test::scoped_images images;
    images.add(ref);
    const std::string v1 = test::build_image(ref, test::quick_stop_cmd);
    test::docker_ok({"push", ref});
    const std::string container = test::unique_name("da-e2e-pull");
    test::scoped_container guard(container);
    test::docker_ok({"run", "-d", "--name", container, "--label", "io.deploy-agent.test=1",
                     "--label", "keep.me=yes", "-e", "APP_MODE=blue", ref});
    REQUIRE(inspect(container, "{{.Image}}") == v1);

    // A new image is pushed under the same tag, and the local copy goes back to v1's id only
    // through the registry: the agent must pull to see v2.
    const std::string v2 = test::build_image(ref, test::quick_stop_cmd);
    REQUIRE(v2 != v1);
    test::docker_ok({"push", ref});
    test::docker_ok({"tag", v1, ref});

    // cleanup: true: the replaced image (v1, untagged once the pull moved the tag) is removed.
    running_agent agent(manifest_for(container, ref, "pull") + "    cleanup: true\n",
                        {{"WEBHOOK_SECRET", secret}});
    const std::string body = test::fixture(push_fixture);
    auto res = test::http_request(agent.process.port(), "POST", "/webhooks/github",
                                  push_headers(body, secret, "e2e-pull-1"), body);
    INFO("answer: " << res.body << "\nagent log:\n" << agent.process.log());
    REQUIRE(res.status == 202);
    CHECK(test::eventually([&] {
        auto r = test::docker({"inspect", "--format", "{{.Image}}", container});
        return r.exit_code == 0 && r.output.find(v2) != std::string::npos;
    }));
    CHECK(agent.process.wait_for_log("succeeded", 30s));
    // Recreated with the same configuration, and marked as the agent's.
    CHECK(inspect(container, "{{.State.Running}}") == "true");
    CHECK(inspect(container, "{{index .Config.Labels \"keep.me\"}}") == "yes");
    CHECK(inspect(container, "{{index .Config.Labels \"io.deploy-agent.app\"}}") == "e2e-app");
    CHECK_THAT(inspect(container, "{{.Config.Env}}"), Catch::Contains("APP_MODE=blue"));
    // The old container is gone, not left parked under another name.
    CHECK(test::docker({"ps", "-a", "--filter", "name=" + container + "-parked", "-q"}).output.empty());
    CHECK(test::eventually([&] { return test::docker({"image", "inspect", v1}).exit_code != 0; }));
}

TEST_CASE("wrongly signed and unsigned pushes are refused and change nothing", "[e2e]") {
    const test::test_app app("refuse");
    const std::string& image = app.image;
    const std::string& container = app.container;
    const std::string started_before = inspect(container, "{{.State.StartedAt}}");

    running_agent agent(manifest_for(container, image, "restart"), {{"WEBHOOK_SECRET", secret}});
    const std::string body = test::fixture(push_fixture);
    const auto port = agent.process.port();

    auto wrong = test::http_request(port, "POST", "/webhook",
                                    push_headers(body, "not-the-secret", "e2e-wrong-1"), body);
    CHECK(wrong.status == 401);
    CHECK_THAT(wrong.body, Catch::Contains("\"success\":false"));

    auto unsigned_headers = push_headers(body, secret, "e2e-unsigned-1");
    unsigned_headers.pop_back();
    auto unsigned_res = test::http_request(port, "POST", "/webhook", unsigned_headers, body);
    CHECK(unsigned_res.status == 401);

    // A signature over other bytes (the body re-serialized) is refused too.
    auto tampered_body = body + " ";
    auto tampered = test::http_request(port, "POST", "/webhook",
                                       push_headers(body, secret, "e2e-tampered-1"), tampered_body);
    CHECK(tampered.status == 401);

    // The refusals are explained in the log, without the secret.
    INFO("agent log:\n" << agent.process.log());
    CHECK(agent.process.wait_for_log("refused", 5s));
    CHECK(agent.process.log().find(secret) == std::string::npos);
    CHECK(agent.process.log().find("queued deployment") == std::string::npos);
    std::this_thread::sleep_for(1s);
    CHECK(inspect(container, "{{.State.StartedAt}}") == started_before);
}

TEST_CASE("ping, other paths and methods, health, and a missing secret", "[e2e]") {
    running_agent agent(manifest_for("da-e2e-none", "da-e2e/none:v1", "restart"),
                        {{"WEBHOOK_SECRET", secret}});
    const auto port = agent.process.port();
    const std::string ping = test::fixture("octokit/api.github.com/ping/with-organization.payload.json");
    auto pong = test::http_request(port, "POST", "/webhook",
                                   {{"Content-Type", "application/json"},
                                    {"X-GitHub-Event", "ping"},
                                    {"X-GitHub-Delivery", "e2e-ping-1"},
                                    {"X-Hub-Signature-256", "sha256=" + agent::hmac_sha256_hex(secret, ping)}},
                                   ping);
    CHECK(pong.status == 200);
    CHECK_THAT(pong.body, Catch::Contains("109948940"));

    // A push for a repository no app names is acknowledged and ignored.
    std::string other = test::fixture("octokit/api.github.com/push/with-no-username-committer.payload.json");
    auto ignored = test::http_request(port, "POST", "/webhook",
                                      push_headers(other, secret, "e2e-other-1"), other);
    CHECK(ignored.status == 200);
    CHECK_THAT(ignored.body, Catch::Contains("ignored"));

    CHECK(test::http_request(port, "GET", "/healthz").status == 200);
    CHECK(test::http_request(port, "GET", "/nope").status == 404);
    CHECK(test::http_request(port, "GET", "/webhook").status == 405);
    CHECK(test::http_request(port, "DELETE", "/webhooks/github").status == 405);

    running_agent unconfigured(manifest_for("da-e2e-none", "da-e2e/none:v1", "restart"),
                               {{"WEBHOOK_SECRET", ""}});
    const std::string body = test::fixture(push_fixture);
    auto res = test::http_request(unconfigured.process.port(), "POST", "/webhook",
                                  push_headers(body, secret, "e2e-unconfigured-1"), body);
    CHECK(res.status == 503);
    CHECK_THAT(res.body, Catch::Contains("not configured"));
}

TEST_CASE("validate and verify-signature work from the command line", "[e2e]") {
    auto ok = test::run_agent_command({"validate", "--manifest", std::string(DA_SOURCE_DIR) + "/manifests/example.yaml"});
    CHECK(ok.first == 0);
    auto bad_path = test::write_temp_file("bad.yaml", "version: 1\napps:\n  web:\n    imgae: x\n");
    auto bad = test::run_agent_command({"validate", "--manifest", bad_path});
    CHECK(bad.first == 1);
    CHECK_THAT(bad.second, Catch::Contains(bad_path + ":4:5:"));

    const std::string body = test::fixture(push_fixture);
    auto payload = test::write_temp_file("payload.json", body);
    auto sig = "sha256=" + agent::hmac_sha256_hex(secret, body);
    auto match = test::run_agent_command({"verify-signature", "--scheme", "github", "--payload", payload,
                                          "--signature", sig, "--secret-env", "E2E_SECRET"},
                                         {{"E2E_SECRET", secret}});
    CHECK(match.first == 0);
    CHECK_THAT(match.second, Catch::Contains("match"));
    auto mismatch = test::run_agent_command({"verify-signature", "--scheme", "github", "--payload", payload,
                                             "--signature", sig, "--secret-env", "E2E_SECRET"},
                                            {{"E2E_SECRET", "other"}});
    CHECK(mismatch.first == 1);
}

}  // namespace webhook_deploy_test
