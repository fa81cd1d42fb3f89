// Secrets from Infisical end to end: the built binary, an in-test HTTPS Infisical with its own
// CA, a real engine and registry, signed deliveries.
#include <chrono>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>

#include "intake/signature.hpp"
#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/eventually.hpp"
#include "support/fake_infisical.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"

namespace secrets_test {

namespace {

using namespace std::chrono_literals;

const std::string webhook_secret = "e2e-infisical-webhook-secret";
const std::string jwt_secret = "e2e-jwt-secret-0123456789abcdef-0123456789";
// Distinctive values: none may appear anywhere but in the containers' Env.
const std::string value_one = "pw-one-5f1d93c7e2";
const std::string value_two = "pw-two-a84be06d31";
const std::string web_value = "web-key-0c6e27b9f4";

std::string inspect(const std::string& container, const std::string& format) {
    return test::docker_ok({"inspect", "--format", format, container});
}

// inspect(), but empty while the container is being replaced (renamed aside, the new one not
// yet created): for probes that run while a redeploy may be under way.
std::string inspect_now(const std::string& container, const std::string& format) {
    auto r = test::docker({"inspect", "--format", format, container});
    if (r.exit_code != 0) {
        return "";
    }
    while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == ' ')) {
        r.output.pop_back();
    }
    return r.output;
}

// Empty while the container is being replaced (renamed aside, the new one not yet created).
std::string env_of(const std::string& container) {
    auto r = test::docker({"inspect", "--format", "{{.Config.Env}}", container});
    return r.exit_code == 0 ? r.output : "";
}

// A registry image (the agent pulls it: strategy pull) and containers running it.
struct secret_apps {
    std::string ref = test::registry() + "/" + test::unique_name("da-e2e-secrets") + ":latest";
    test::scoped_images images;
    std::vector<std::unique_ptr<test::scoped_container>> guards;

    secret_apps() {
        images.add(ref);
        test::build_image(ref, test::quick_stop_cmd);
        test::docker_ok({"push", ref});
    }
    std::string run(const std::string& prefix) {
        const std::string name = test::unique_name(prefix);
        guards.push_back(std::make_unique<test::scoped_container>(name));
        test::docker_ok({"run", "-d", "--name", name, "--label", "io.deploy-agent.test=1", "-e",
                         "APP_MODE=blue", "-e", "DATABASE_URL=user-default", ref});
        return name;
    }
};

std::string app_entry(const std::string& name, const std::string& container,
                      const std::string& image, const std::string& path, bool auto_redeploy,
                      const std::string& extra = "") {
    return "  " + name + ":\n    container: " + container + "\n    image: " + image +
           "\n    strategy: pull\n    health: { timeout: 30s, stable_for: 1s }\n" +
           "    secrets:\n      infisical: { project: proj-1, environment: prod, path: " + path +
           extra + " }\n    auto_redeploy: " + (auto_redeploy ? "true" : "false") + "\n";
}

std::string github_trigger(const std::string& repository) {
    return "    triggers:\n      github:\n        repository: " + repository +
           "\n        branches: [main]\n";
}

struct running_agent {
    std::string data_dir;
    test::agent_process process;
    running_agent(const std::string& manifest, std::map<std::string, std::string> env)
        : data_dir(std::filesystem::path(test::write_temp_file("data/.keep", "")).parent_path()),
          process({"serve", "--manifest", test::write_temp_file("manifest.yaml", manifest),
                   "--listen", "127.0.0.1:0"},
                  with_defaults(std::move(env), data_dir)) {}

    static std::map<std::string, std::string> with_defaults(std::map<std::string, std::string> env,
                                                            const std::string& data_dir) {
        env.emplace("LOG_LEVEL", "debug");
        env.emplace("DATA_DIR", data_dir);
        env.emplace("JWT_SECRET", jwt_secret);
        env.emplace("DEPLOY_DEBOUNCE_MS", "100");
        return env;
    }
};

std::map<std::string, std::string> infisical_env(const test::fake_infisical& server) {
    return {{"INFISICAL_API_URL", server.url()},
            {"INFISICAL_CA_FILE", server.ca_file()},
            {"INFISICAL_CLIENT_ID", "client-id"},
            {"INFISICAL_CLIENT_SECRET", "client-secret"},
            {"INFISICAL_WEBHOOK_SECRET", webhook_secret}};
}

// What Infisical sends: {"event","project":{…},"timestamp"} signed as t=<ms>;<hex>.
test::http_result deliver_change(unsigned short port, const std::string& path) {
    static std::int64_t last = 0;
    std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    now = std::max(now, last + 1);  // a new signature each time: never a replay
    last = now;
    const std::string body =
        R"({"event":"secrets.modified","project":{"workspaceId":"proj-1","projectId":"proj-1",)"
        R"("environment":"prod","secretPath":")" + path + R"("},"timestamp":)" +
        std::to_string(now) + "}";
    return test::http_request(
        port, "POST", "/webhooks/infisical",
        {{"Content-Type", "application/json"},
         {"x-infisical-signature",
          "t=" + std::to_string(now) + ";" + agent::hmac_sha256_hex(webhook_secret, body)}},
        body);
}

test::http_result push(unsigned short port, const std::string& repository, int n) {
    char after[41];
    std::snprintf(after, sizeof after, "%040d", n);
    const std::string body = R"({"ref":"refs/heads/main","before":"0000000000000000000000000000000000000001","after":")" +
                             std::string(after) + R"(","repository":{"full_name":")" + repository +
                             R"("},"head_commit":{"id":")" + after + R"("}})";
    return test::http_request(
        port, "POST", "/webhook",
        {{"Content-Type", "application/json"},
         {"X-GitHub-Event", "push"},
         {"X-GitHub-Delivery", "e2e-secrets-push-" + std::to_string(n)},
         {"X-Hub-Signature-256", "sha256=" + agent::hmac_sha256_hex(webhook_secret, body)}},
        body);
}

// Fails the test when any of `values` appears in the log, the data directory (the SQLite store
// and its journal), the API's answers, /metrics or the labels of `containers`.
void check_no_value_leaks(running_agent& agent, const std::vector<std::string>& values,
                          const std::vector<std::string>& containers) {
    const auto token = test::run_agent_command({"token"}, {{"JWT_SECRET", jwt_secret}});
    REQUIRE(token.first == 0);
    const std::string bearer = token.second.substr(0, token.second.find('\n'));
    const auto port = agent.process.port();
    std::vector<std::pair<std::string, std::string>> places{{"log", agent.process.log()}};
    const std::vector<std::pair<std::string, std::string>> auth{{"Authorization", "Bearer " + bearer}};
    for (const char* target : {"/api/apps", "/api/deployments?limit=100", "/metrics"}) {
        auto r = test::http_request(port, "GET", target, auth);
        INFO(target << " answered " << r.body);
        REQUIRE(r.status == 200);
        places.emplace_back(target, r.body);
    }
    const auto list = test::http_request(port, "GET", "/api/deployments?limit=100", auth).body;
    for (std::size_t at = list.find("\"id\":"); at != std::string::npos;
         at = list.find("\"id\":", at + 1)) {
        const std::string id = list.substr(at + 5, list.find_first_of(",}", at) - at - 5);
        places.emplace_back("/api/deployments/" + id,
                            test::http_request(port, "GET", "/api/deployments/" + id, auth).body);
    }
    for (const auto& entry : std::filesystem::directory_iterator(agent.data_dir)) {
        places.emplace_back(entry.path().string(), test::read_bytes(entry.path().string()));
    }
    for (const auto& c : containers) {
        places.emplace_back("labels of " + c, inspect(c, "{{json .Config.Labels}}"));
    }
    for (const auto& [where, text] : places) {
        for (const auto& value : values) {
            INFO(where);
            CHECK(text.find(value) == std::string::npos);
        }
    }
}

}  // namespace

TEST_CASE("a changed secret redeploys only the allow-listed app reading it, with the new value",
          "[e2e][secrets]") {
    test::fake_infisical infisical;
    infisical.set_secret("proj-1", "prod", "/api", "DATABASE_URL", value_one);
    infisical.set_secret("proj-1", "prod", "/web", "WEB_KEY", web_value);
    secret_apps apps;
    const std::string api = apps.run("da-e2e-sec-api");
    const std::string other = apps.run("da-e2e-sec-other");  // same path, not allow-listed
    const std::string web = apps.run("da-e2e-sec-web");      // allow-listed, another path
    const std::string manifest = "version: 1\napps:\n" +
                                 app_entry("api", api, apps.ref, "/api", true) +
                                 app_entry("other", other, apps.ref, "/api", true) +
                                 app_entry("web", web, apps.ref, "/web", true);
    auto env = infisical_env(infisical);
    env["INFISICAL_AUTO_REDEPLOY"] = "true";
    env["INFISICAL_AUTO_REDEPLOY_APPS"] = "api,web";
    running_agent agent(manifest, env);
    const auto port = agent.process.port();
    const std::string other_id = inspect(other, "{{.Id}}");
    const std::string web_id = inspect(web, "{{.Id}}");

    // The containers were not made by the agent (no secrets hash): the first change deploys.
    auto first = deliver_change(port, "/api");
    INFO("answer: " << first.body << "\nagent log:\n" << agent.process.log());
    REQUIRE(first.status == 200);
    CHECK_THAT(first.body, Catch::Contains(R"("redeploy_check":["api"])"));
    CHECK(test::eventually([&] { return env_of(api).find("DATABASE_URL=" + value_one) != std::string::npos; }));
    CHECK(agent.process.wait_for_log("succeeded", 30s));
    const std::string api_id = inspect(api, "{{.Id}}");
    CHECK(inspect(api, "{{index .Config.Labels \"io.deploy-agent.secret-keys\"}}") == "DATABASE_URL");
    CHECK_THAT(env_of(api), Catch::Contains("APP_MODE=blue"));
    CHECK_THAT(env_of(api), !Catch::Contains("user-default"));

    // A new value: api is recreated with it; the others are untouched.
    infisical.set_secret("proj-1", "prod", "/api", "DATABASE_URL", value_two);
    auto second = deliver_change(port, "/api");
    CHECK_THAT(second.body, Catch::Contains(R"("redeploy_check":["api"])"));
    CHECK(test::eventually([&] { return env_of(api).find("DATABASE_URL=" + value_two) != std::string::npos; }));
    CHECK(test::eventually([&] {
        const std::string id = inspect_now(api, "{{.Id}}");
        return !id.empty() && id != api_id && inspect_now(api, "{{.State.Running}}") == "true";
    }));
    CHECK(inspect(other, "{{.Id}}") == other_id);
    CHECK(inspect(web, "{{.Id}}") == web_id);
    CHECK_THAT(env_of(other), Catch::Contains("DATABASE_URL=user-default"));

    // The same values again: the cache is cleared, nothing is redeployed.
    CHECK(test::eventually([&] { return agent.process.log().find("removed the old container") != std::string::npos; }));
    const std::string api_id2 = inspect(api, "{{.Id}}");
    auto third = deliver_change(port, "/api");
    CHECK_THAT(third.body, Catch::Contains(R"("action":"cache_cleared")"));
    CHECK_THAT(third.body, !Catch::Contains("deployments"));
    CHECK(agent.process.wait_for_log("[Infisical Webhook] Clearing cache for proj-1-prod-/api", 5s));
    std::this_thread::sleep_for(1s);  // a redeploy, had one been queued, would have started
    CHECK(inspect(api, "{{.Id}}") == api_id2);

    // A key added, then deleted in Infisical: injected, then removed from the Env again (the
    // secret-keys label names what the agent put there).
    const std::string extra_value = "extra-secret-value-5f1e";
    infisical.set_secret("proj-1", "prod", "/api", "EXTRA_KEY", extra_value);
    CHECK_THAT(deliver_change(port, "/api").body, Catch::Contains("redeploy_check"));
    CHECK(test::eventually([&] { return env_of(api).find("EXTRA_KEY=" + extra_value) != std::string::npos; }));
    CHECK(test::eventually([&] {
        return inspect_now(api, "{{index .Config.Labels \"io.deploy-agent.secret-keys\"}}") ==
               "DATABASE_URL,EXTRA_KEY";
    }));
    infisical.remove_secret("proj-1", "prod", "/api", "EXTRA_KEY");
    CHECK_THAT(deliver_change(port, "/api").body, Catch::Contains("redeploy_check"));
    CHECK(test::eventually([&] {
        return inspect_now(api, "{{index .Config.Labels \"io.deploy-agent.secret-keys\"}}") ==
               "DATABASE_URL";
    }));
    CHECK_THAT(env_of(api), !Catch::Contains("EXTRA_KEY") &&
                                Catch::Contains("DATABASE_URL=" + value_two) &&
                                Catch::Contains("APP_MODE=blue"));

    check_no_value_leaks(agent, {value_one, value_two, web_value, extra_value}, {api, other, web});
}

TEST_CASE(
    "an Infisical delivery is answered while Infisical holds its answer, the redeploy "
    "follows its release",
    "[e2e][secrets]") {
    test::fake_infisical infisical;
    infisical.set_secret("proj-1", "prod", "/api", "DATABASE_URL", value_one);
    secret_apps apps;
    const std::string api = apps.run("da-e2e-sec-held");
    auto env = infisical_env(infisical);
    env["INFISICAL_AUTO_REDEPLOY"] = "true";
    running_agent agent("version: 1\napps:\n" + app_entry("api", api, apps.ref, "/api", true), env);
    const auto port = agent.process.port();
    const std::string api_id = inspect(api, "{{.Id}}");
    infisical.hold_lists(true);

    // Infisical answers nothing now: the webhook's answer cannot have waited for it.
    auto answer = deliver_change(port, "/api");
    INFO("answer: " << answer.body << "\nagent log:\n" << agent.process.log());
    REQUIRE(answer.status == 200);
    CHECK_THAT(answer.body, Catch::Contains(R"("action":"nothing_cached")") &&
                                Catch::Contains(R"("redeploy_check":["api"])"));
    CHECK(test::eventually([&] { return infisical.held_lists() == 1; }, 10s));
    std::this_thread::sleep_for(500ms);
    CHECK(inspect(api, "{{.Id}}") == api_id);
    CHECK(infisical.held_lists() == 1);

    infisical.hold_lists(false);
    CHECK(agent.process.wait_for_log("redeploy check: secrets changed for api: queued", 30s));
    CHECK(test::eventually(
        [&] { return env_of(api).find("DATABASE_URL=" + value_one) != std::string::npos; }));
    CHECK(agent.process.wait_for_log("succeeded", 30s));
}

TEST_CASE("auto-redeploy off: the webhook clears the cache, the next push deploys the new value",
          "[e2e][secrets]") {
    test::fake_infisical infisical;
    infisical.set_secret("proj-1", "prod", "/api", "DATABASE_URL", value_one);
    secret_apps apps;
    const std::string api = apps.run("da-e2e-sec-off");
    auto env = infisical_env(infisical);
    env["WEBHOOK_SECRET"] = webhook_secret;
    running_agent agent("version: 1\napps:\n" + app_entry("api", api, apps.ref, "/api", true) +
                            github_trigger("owner/secret-app"),
                        env);
    const auto port = agent.process.port();
    INFO("agent log:\n" << agent.process.log());

    auto nothing = deliver_change(port, "/api");
    CHECK_THAT(nothing.body, Catch::Contains(R"("action":"nothing_cached")"));

    REQUIRE(push(port, "owner/secret-app", 1).status == 202);
    CHECK(test::eventually([&] { return env_of(api).find("DATABASE_URL=" + value_one) != std::string::npos; }));
    CHECK(test::eventually([&] { return agent.process.log().find("removed the old container") != std::string::npos; }));
    const std::string deployed_id = inspect(api, "{{.Id}}");

    infisical.set_secret("proj-1", "prod", "/api", "DATABASE_URL", value_two);
    auto cleared = deliver_change(port, "/api");
    CHECK_THAT(cleared.body, Catch::Contains(R"("action":"cache_cleared")"));
    std::this_thread::sleep_for(1s);
    CHECK(inspect(api, "{{.Id}}") == deployed_id);
    CHECK_THAT(env_of(api), Catch::Contains("DATABASE_URL=" + value_one));

    REQUIRE(push(port, "owner/secret-app", 2).status == 202);
    CHECK(test::eventually([&] { return env_of(api).find("DATABASE_URL=" + value_two) != std::string::npos; }));
    check_no_value_leaks(agent, {value_one, value_two}, {api});
}

TEST_CASE("polling alone picks up a change", "[e2e][secrets]") {
    test::fake_infisical infisical;
    infisical.set_secret("proj-1", "prod", "/", "DATABASE_URL", value_one);
    secret_apps apps;
    const std::string api = apps.run("da-e2e-sec-poll");
    auto env = infisical_env(infisical);
    env.erase("INFISICAL_WEBHOOK_SECRET");
    env["INFISICAL_AUTO_REDEPLOY"] = "true";
    env["INFISICAL_SYNC_INTERVAL_MINUTES"] = "0.02";  // 1.2 s
    running_agent agent("version: 1\napps:\n" + app_entry("api", api, apps.ref, "/", true), env);
    INFO("agent log:\n" << agent.process.log());
    CHECK(test::eventually([&] { return env_of(api).find("DATABASE_URL=" + value_one) != std::string::npos; }));
    infisical.set_secret("proj-1", "prod", "/", "DATABASE_URL", value_two);
    CHECK(test::eventually([&] { return env_of(api).find("DATABASE_URL=" + value_two) != std::string::npos; }));
    check_no_value_leaks(agent, {value_one, value_two}, {api});
}

TEST_CASE("Infisical down or a key missing at deploy time: the deploy fails before the container "
          "is touched",
          "[e2e][secrets]") {
    test::fake_infisical infisical;
    infisical.set_secret("proj-1", "prod", "/api", "DATABASE_URL", value_one);
    infisical.set_secret("proj-1", "prod", "/down", "DATABASE_URL", value_one);
    secret_apps apps;
    const std::string down = apps.run("da-e2e-sec-down");
    const std::string missing = apps.run("da-e2e-sec-missing");
    auto env = infisical_env(infisical);
    env["WEBHOOK_SECRET"] = webhook_secret;
    running_agent agent("version: 1\napps:\n" + app_entry("down", down, apps.ref, "/down", false) +
                            github_trigger("owner/down-app") +
                            app_entry("missing", missing, apps.ref, "/api", false,
                                      ", keys: [DATABASE_URL, NOT_THERE]") +
                            github_trigger("owner/missing-app"),
                        env);
    const auto port = agent.process.port();
    const std::string down_started = inspect(down, "{{.State.StartedAt}}");
    const std::string missing_started = inspect(missing, "{{.State.StartedAt}}");
    INFO("agent log:\n" << agent.process.log());

    REQUIRE(push(port, "owner/missing-app", 3).status == 202);
    CHECK(agent.process.wait_for_log("missing key(s) NOT_THERE", 30s));
    infisical.set_down(true);
    REQUIRE(push(port, "owner/down-app", 4).status == 202);
    CHECK(agent.process.wait_for_log("HTTP 503", 30s));
    std::this_thread::sleep_for(500ms);
    CHECK(inspect(down, "{{.State.StartedAt}}") == down_started);
    CHECK(inspect(missing, "{{.State.StartedAt}}") == missing_started);
    CHECK_THAT(env_of(missing), Catch::Contains("DATABASE_URL=user-default"));
    check_no_value_leaks(agent, {value_one}, {down, missing});
}

}  // namespace secrets_test
