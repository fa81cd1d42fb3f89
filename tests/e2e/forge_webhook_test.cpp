// Gitea, Forgejo and GitLab pushes through the built binary, with the real payloads and header
// sets of tests/fixtures: each restarts its app on the engine, a replay under new delivery ids
// is a duplicate, a changed byte is refused; verify-signature knows both schemes.
#include <chrono>
#include <filesystem>

#include <rapidjson/document.h>
#include <catch2/catch.hpp>

#include "intake/signature.hpp"
#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/http_receiver.hpp"
#include "support/signed_push.hpp"
#include "support/two_app_agent.hpp"

namespace forge_webhook_test {

namespace {

using namespace std::chrono_literals;
using header_list = std::vector<std::pair<std::string, std::string>>;

const std::string fixture_secret = "dev-fixture-secret";  // the vectors' secret and token

std::string forge_fixture(const std::string& relative) {
    return test::read_bytes(std::string(DA_FIXTURES_DIR) + "/" + relative);
}

// The headers of the vector `index` of a Gitea/Forgejo vector file (JSON delivery).
header_list vector_headers(const std::string& file, int index) {
    const std::string text = forge_fixture(file);
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    const auto& d = doc["fixtures"][index]["json_delivery"];
    header_list h{{"Content-Type", "application/json"}};
    for (const auto& m : d["headers"].GetObject()) {
        h.emplace_back(m.name.GetString(), m.value.GetString());
    }
    return h;
}

header_list gitlab_headers(int index) {
    const std::string text = forge_fixture("gitlab/deliveries.json");
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    header_list h;
    for (const auto& m : doc["deliveries"][index]["headers"].GetObject()) {
        h.emplace_back(m.name.GetString(), m.value.GetString());
    }
    return h;
}

void set_header(header_list& h, const std::string& name, const std::string& value) {
    for (auto& [n, v] : h) {
        if (n == name) {
            v = value;
        }
    }
}

std::string started_at(const std::string& container) {
    return test::docker_ok({"inspect", "--format", "{{.State.StartedAt}}", container});
}

std::string app_yaml(const std::string& name, const std::string& container,
                     const std::string& trigger) {
    return "  " + name + ":\n    container: " + container +
           "\n    strategy: restart\n    health: { timeout: 10s, stable_for: 200ms }"
           "\n    triggers:\n      " + trigger + "\n";
}

}  // namespace

TEST_CASE("a signed Gitea push, a Forgejo tag push and a GitLab push each restart their app",
          "[e2e][forge]") {
    // One image, three containers: an image build costs seconds, a container does not.
    const test::test_app gitea_app("forge-gitea");
    struct extra_container {
        std::string container;
        test::scoped_container guard;
        extra_container(const std::string& prefix, const std::string& image)
            : container(test::unique_name(prefix)), guard(container) {
            test::docker_ok({"run", "-d", "--name", container, "--label",
                             "io.deploy-agent.test=1", image});
        }
    };
    const extra_container forgejo_app("da-e2e-forge-forgejo", gitea_app.image);
    const extra_container gitlab_app("da-e2e-forge-gitlab", gitea_app.image);
    const std::string manifest =
        "version: 1\napps:\n" +
        app_yaml("gitea-app", gitea_app.container,
                 "gitea: { repository: example/example, branches: [master] }") +
        app_yaml("forgejo-app", forgejo_app.container,
                 "gitea: { repository: example/example, tags: [\"v*\"] }") +
        app_yaml("gitlab-app", gitlab_app.container,
                 "gitlab: { repository: mike/diaspora, branches: [master] }");
    const std::string before_gitea = started_at(gitea_app.container);
    const std::string before_forgejo = started_at(forgejo_app.container);
    const std::string before_gitlab = started_at(gitlab_app.container);
    const std::string manifest_path = test::write_temp_file("manifest.yaml", manifest);
    const std::string data_dir =
        std::filesystem::path(test::write_temp_file("data/.keep", "")).parent_path().string();
    test::agent_process agent({"serve", "--manifest", manifest_path, "--listen", "127.0.0.1:0"},
                              {{"GITEA_WEBHOOK_SECRET", fixture_secret},
                               {"GITLAB_WEBHOOK_TOKEN", fixture_secret},
                               {"DATA_DIR", data_dir},
                               {"DEPLOY_DEBOUNCE_MS", "0"},
                               {"MAX_CONCURRENT_DEPLOYS", "3"}});
    const auto port = agent.port();
    INFO("agent log:\n" << agent.log());

    const std::string gitea_body = forge_fixture("gitea/go-playground-webhooks/push-event.json");
    header_list gitea = vector_headers("gitea/signature-vectors.json", 0);
    // A changed byte is refused with the reason, and changes nothing.
    std::string changed = gitea_body;
    changed[changed.find("master")] = 'M';
    auto refused = test::http_request(port, "POST", "/webhooks/gitea", gitea, changed);
    CHECK(refused.status == 401);
    CHECK(refused.body == R"({"success":false,"error":"invalid signature"})");

    auto res = test::http_request(port, "POST", "/webhooks/gitea", gitea, gitea_body);
    INFO(res.body);
    REQUIRE(res.status == 202);
    CHECK_THAT(res.body, Catch::Contains("\"app\":\"gitea-app\""));

    // Forgejo's tag push on the any-forge path: told apart by X-Forgejo-Event.
    const std::string tag_body = forge_fixture("gitea/constructed/push-tag-created.json");
    header_list forgejo_headers = vector_headers("forgejo/signature-vectors.json", 1);
    // The vectors share one example delivery id: this is another delivery.
    set_header(forgejo_headers, "X-Forgejo-Delivery", "f0f0f0f0-0000-4000-8000-000000000001");
    set_header(forgejo_headers, "X-Gitea-Delivery", "f0f0f0f0-0000-4000-8000-000000000001");
    auto forgejo =
        test::http_request(port, "POST", "/webhook", forgejo_headers, tag_body);
    INFO(forgejo.body);
    REQUIRE(forgejo.status == 202);
    CHECK_THAT(forgejo.body, Catch::Contains("\"app\":\"forgejo-app\""));

    const std::string gitlab_body = forge_fixture("gitlab/go-playground-webhooks/push-event.json");
    header_list gitlab = gitlab_headers(0);
    auto lab = test::http_request(port, "POST", "/webhooks/gitlab", gitlab, gitlab_body);
    INFO(lab.body);
    REQUIRE(lab.status == 202);
    CHECK_THAT(lab.body, Catch::Contains("\"app\":\"gitlab-app\""));

    // Replays under new delivery ids ("Redeliver" in Gitea; a new event UUID in GitLab).
    set_header(gitea, "X-Gitea-Delivery", "11111111-2222-3333-4444-555555555555");
    auto again = test::http_request(port, "POST", "/webhook", gitea, gitea_body);
    CHECK(again.status == 200);
    CHECK_THAT(again.body, Catch::Contains("duplicate: push 000000000000..67b56589a451"));
    set_header(gitlab, "Idempotency-Key", "99999999-2222-3333-4444-555555555555");
    auto lab_again = test::http_request(port, "POST", "/webhook", gitlab, gitlab_body);
    CHECK(lab_again.status == 200);
    CHECK_THAT(lab_again.body, Catch::Contains("duplicate"));

    CHECK(test::eventually([&] { return started_at(gitea_app.container) != before_gitea; }));
    CHECK(test::eventually([&] { return started_at(forgejo_app.container) != before_forgejo; }));
    CHECK(test::eventually([&] { return started_at(gitlab_app.container) != before_gitlab; }));
    CHECK(agent.wait_for_log("refused (bad_signature): X-Gitea-Signature", 5s));
    CHECK(agent.log().find(fixture_secret) == std::string::npos);

    // The deliveries are counted by source.
    auto metrics = test::http_request(port, "GET", "/metrics");
    CHECK_THAT(metrics.body, Catch::Contains(R"(source="gitea",outcome="queued")"));
    CHECK_THAT(metrics.body, Catch::Contains(R"(source="forgejo",outcome="queued")"));
    CHECK_THAT(metrics.body, Catch::Contains(R"(source="gitlab",outcome="queued")"));
    CHECK_THAT(metrics.body, Catch::Contains(R"(source="gitea",outcome="refused")"));
}

TEST_CASE("verify-signature checks Gitea signatures and GitLab tokens", "[e2e][forge]") {
    const std::string body = forge_fixture("gitea/go-playground-webhooks/push-event.json");
    const auto payload = test::write_temp_file("payload.json", body);
    const std::string sig = agent::hmac_sha256_hex(fixture_secret, body);
    auto match = test::run_agent_command({"verify-signature", "--scheme", "gitea", "--payload",
                                          payload, "--signature", "X-Gitea-Signature: " + sig,
                                          "--secret-env", "S"},
                                         {{"S", fixture_secret}});
    CHECK(match.first == 0);
    auto prefixed = test::run_agent_command({"verify-signature", "--scheme", "gitea", "--payload",
                                             payload, "--signature", "sha256=" + sig,
                                             "--secret-env", "S"},
                                            {{"S", fixture_secret}});
    CHECK(prefixed.first == 1);
    CHECK_THAT(prefixed.second, Catch::Contains("'sha256=' prefix"));

    auto token = test::run_agent_command({"verify-signature", "--scheme", "gitlab", "--payload",
                                          payload, "--signature", "X-Gitlab-Token: " + fixture_secret,
                                          "--secret-env", "S"},
                                         {{"S", fixture_secret + "\n"}});
    CHECK(token.first == 0);
    auto wrong = test::run_agent_command({"verify-signature", "--scheme", "gitlab", "--payload",
                                          payload, "--signature", "not-it", "--secret-env", "S"},
                                         {{"S", fixture_secret}});
    CHECK(wrong.first == 1);
    CHECK_THAT(wrong.second, Catch::Contains("no match: the token given (6 bytes"));
    CHECK(wrong.second.find(fixture_secret) == std::string::npos);
}

TEST_CASE("a Gitea push's deployment is posted back as pending then success, token in "
          "Authorization only",
          "[e2e][forge]") {
    test::http_receiver forge({201});
    const std::string token = "e2e-status-token-abcdef0123456789";
    test::two_app_agent rig(
        {"status", "status-e2e-jwt-secret-0123456789abcdef", "status-e2e-webhook-secret", "200ms",
         "    triggers:\n      gitea: { repository: example/example, branches: [master] }\n"
         "    status: { token_env: LIVE_STATUS_TOKEN, url: \"" +
             forge.url() + "\" }\n",
         {{"GITEA_WEBHOOK_SECRET", fixture_secret},
          {"LIVE_STATUS_TOKEN", token},
          {"NOTIFY_RETRY_MS", "50"},
          {"PUBLIC_URL", "https://deploy.example.com"}}});
    const std::string body = forge_fixture("gitea/go-playground-webhooks/push-event.json");
    auto res = test::http_request(rig.port, "POST", "/webhooks/gitea",
                                  vector_headers("gitea/signature-vectors.json", 0), body);
    INFO(res.body << "\nagent log:\n" << rig.process.log());
    REQUIRE(res.status == 202);
    const long long id = test::first_deployment_id(res.body);
    REQUIRE(test::eventually([&] { return forge.count() >= 2; }, 20s));
    const auto sent = forge.requests();
    const std::string path =
        "/api/v1/repos/example/example/statuses/67b56589a45103f891bdee7c0546e5d40bc02001";
    CHECK(sent[0].target == path);
    CHECK_THAT(sent[0].body, Catch::Contains(R"("state":"pending")"));
    CHECK(sent[1].target == path);
    CHECK_THAT(sent[1].body, Catch::Contains(R"("state":"success")"));
    CHECK_THAT(sent[1].body, Catch::Contains(R"("context":"deploy-agent/live")"));
    CHECK_THAT(sent[1].body, Catch::Contains("https://deploy.example.com/deployments/" +
                                             std::to_string(id)));
    for (const auto& r : sent) {
        CHECK(r.headers.at("authorization") == "token " + token);
        CHECK(r.body.find(token) == std::string::npos);
    }
    CHECK(rig.process.wait_for_log("commit status success of deployment", 5s));
    CHECK(rig.process.log().find(token) == std::string::npos);
    CHECK(test::deployment_json(rig.port, rig.bearer.substr(7), id).find(token) ==
          std::string::npos);
}

}  // namespace forge_webhook_test
