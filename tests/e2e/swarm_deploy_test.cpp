// strategy pull on a Swarm service through the binary: a single-node swarm on the shared
// engine, images in the local registry, signed pushes. Swarm does the rolling update and the
// rollback; the agent drives it and reports what Swarm did.
#include <chrono>
#include <filesystem>

#include <catch2/catch.hpp>

#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/signed_push.hpp"

namespace swarm_deploy_test {

namespace {

using namespace std::chrono_literals;

const std::string secret = "swarm-e2e-secret";
const std::string jwt_secret = "swarm-e2e-jwt-secret-0123456789abcdef";
const std::string repository = "da-e2e/svc";
const std::string sha_a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
const std::string sha_b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2";
const std::string sha_c = "ccccccccccccccccccccccccccccccccccccccc3";

std::string manifest(const std::string& app, const std::string& service, const std::string& image) {
    return "version: 1\napps:\n  " + app + ":\n    service: " + service + "\n    image: " + image +
           "\n    strategy: pull\n    triggers:\n      github:\n        repository: " +
           repository + "\n        branches: [main]\n";
}

std::string deployment_after_push(test::agent_process& agent, const std::string& token,
                                  const std::string& before, const std::string& after) {
    const std::string body = test::push_payload(repository, "main", before, after);
    auto res = test::http_request(agent.port(), "POST", "/webhook",
                                  test::signed_push_headers(body, secret, "s-" + after), body);
    INFO("answer: " << res.body << "\nagent log:\n" << agent.log());
    REQUIRE(res.status == 202);
    long long id = test::first_deployment_id(res.body);
    std::string json;
    bool done = test::eventually(
        [&] {
            json = test::deployment_json(agent.port(), token, id);
            return json.find("\"state\":\"queued\"") == std::string::npos &&
                   json.find("\"state\":\"running\"") == std::string::npos &&
                   json.find("\"state\"") != std::string::npos;
        },
        180s);
    INFO(json << "\nagent log:\n" << agent.log());
    REQUIRE(done);
    return json;
}

std::string service_image(const std::string& service) {
    return test::docker_ok(
        {"service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", service});
}

}  // namespace

TEST_CASE("swarm: a signed push updates the service to the new image pinned by digest, an image "
          "failing its healthcheck is rolled back by Swarm and the deployment is rolled_back",
          "[e2e][swarm]") {
    test::swarm_session swarm;
    const std::string repo = test::registry() + "/" + test::unique_name("da-e2e-svc");
    const std::string image = repo + ":latest";
    test::scoped_images images;
    images.add(image);
    const std::string healthy = "HEALTHCHECK --interval=1s --timeout=2s --retries=1 CMD true\n" +
                                std::string(test::quick_stop_cmd);
    const std::string sick = "HEALTHCHECK --interval=1s --timeout=2s --retries=1 CMD false\n" +
                             std::string(test::quick_stop_cmd);
    test::build_image(image, healthy);
    test::docker_ok({"push", image});

    const std::string service = test::unique_name("da-e2e-svc");
    test::scoped_services services;
    services.add(service);
    // The service's own update_config: the agent must not override it.
    test::docker_ok({"service", "create", "--quiet", "--name", service, "--label",
                     "io.deploy-agent.test=1", "--container-label", "io.deploy-agent.test=1",
                     "--update-failure-action", "rollback", "--update-monitor", "4s",
                     "--rollback-monitor", "1s", "--update-order", "stop-first", image});
    const std::string app = test::unique_name("da-svc");
    auto manifest_path = test::write_temp_file("manifest.yaml", manifest(app, service, image));
    auto data = std::filesystem::path(test::write_temp_file("data/.keep", "")).parent_path();
    test::agent_process agent({"serve", "--manifest", manifest_path, "--listen", "127.0.0.1:0"},
                              {{"WEBHOOK_SECRET", secret},
                               {"JWT_SECRET", jwt_secret},
                               {"DATA_DIR", data.string()}});
    const std::string token = test::api_token(jwt_secret);
    auto ready = test::http_request(agent.port(), "GET", "/readyz");
    CHECK(ready.status == 200);  // the engine is a Swarm manager: no "swarm" problem to report
    CHECK_THAT(ready.body, !Catch::Contains("swarm"));

    test::build_image(image, healthy);  // v2 under the same tag
    test::docker_ok({"push", image});
    const std::string digest_v2 = test::docker_ok(
        {"image", "inspect", "--format", "{{index .RepoDigests 0}}", image});
    std::string updated = deployment_after_push(agent, token, sha_a, sha_b);
    INFO(updated << "\nagent log:\n" << agent.log());
    CHECK_THAT(updated, Catch::Contains("\"state\":\"succeeded\""));
    CHECK_THAT(updated, Catch::Contains("swarm: completed"));
    const std::string pinned = image + "@" + digest_v2.substr(digest_v2.find('@') + 1);
    CHECK(service_image(service) == pinned);
    CHECK(test::docker_ok({"service", "inspect", "--format", "{{.Spec.UpdateConfig.FailureAction}} "
                                                             "{{.Spec.UpdateConfig.Monitor}}",
                           service}) == "rollback 4s");

    test::build_image(image, sick);  // v3: fails its healthcheck
    test::docker_ok({"push", image});
    std::string rolled = deployment_after_push(agent, token, sha_b, sha_c);
    INFO(rolled << "\nagent log:\n" << agent.log());
    CHECK_THAT(rolled, Catch::Contains("\"state\":\"rolled_back\""));
    CHECK_THAT(rolled, Catch::Contains("Swarm rolled the update back"));
    CHECK(service_image(service) == pinned);

    // deploy --wait drives the same update from the command line and exits non-zero unless it
    // succeeded (4: rolled back). Its own DATA_DIR: the running agent owns the other one.
    auto cli_data = std::filesystem::path(test::write_temp_file("cli-data/.keep", "")).parent_path();
    auto [code, out] = test::run_agent_command({"deploy", app, "--manifest", manifest_path, "--wait"},
                                               {{"DATA_DIR", cli_data.string()}});
    INFO(out);
    CHECK(code == 4);
    CHECK_THAT(out, Catch::Contains("rolled_back"));
}

}  // namespace swarm_deploy_test
