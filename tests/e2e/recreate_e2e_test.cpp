// The recreate through the built binary: kill -9 at each step then a start recovers the app (and
// announces it);
// SIGTERM during the health wait reaches a safe point within the grace; one owner per DATA_DIR;
// the dry run in the CLI and the API touches nothing.

#include <algorithm>
#include <chrono>
#include <csignal>

#include <catch2/catch.hpp>

#include "store/store.hpp"
#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/http_receiver.hpp"
#include "support/recreate_rig.hpp"

namespace recreate_e2e_test {

using namespace std::chrono_literals;

namespace {

std::string manifest_for(const rig::web_app& app, const std::string& health) {
    return test::write_temp_file(
        "manifest.yaml", "version: 1\napps:\n  web:\n    container: " + app.name +
                             "\n    image: " + app.image + "\n    strategy: pull\n    health: " +
                             health + "\n");
}

std::string token_for(const std::string& jwt_secret) {
    auto [code, out] = test::run_agent_command({"token", "--ttl", "10m"}, {{"JWT_SECRET", jwt_secret}});
    REQUIRE(code == 0);
    return out.substr(0, out.find('\n'));
}

// Exactly one container carries the app's name or its parked name, and it runs.
void check_one_running(const rig::web_app& app) {
    CHECK(rig::inspect(app.name, "{{.State.Running}}") == "true");
    auto parked = test::docker_ok({"ps", "-aq", "--filter", "name=" + app.name + "-parked"});
    CHECK(parked.empty());
}

}  // namespace

TEST_CASE("recreate: kill -9 before each step, then a start recovers the app", "[e2e][recreate]") {
    for (const char* step : {"rename", "create", "stop", "start", "health", "remove"}) {
        DYNAMIC_SECTION("killed before " << step) {
            rig::web_app app("kill", rig::web_dockerfile("v1"));
            app.push_version(rig::web_dockerfile("v2"));
            test::temp_dir data("da-rc-kill");
            const std::string manifest = manifest_for(app, "{ timeout: 20s, stable_for: 1s }");
            const std::map<std::string, std::string> env{{"DATA_DIR", data.path.string()},
                                                         {"LOG_LEVEL", "info"}};
            {
                auto paused_env = env;
                paused_env["DA_TEST_PAUSE_BEFORE_STEP"] = step;
                test::agent_process deploy({"deploy", "web", "--manifest", manifest}, paused_env,
                                           DA_PAUSED_AGENT_BINARY);
                REQUIRE(deploy.wait_for_log(std::string("pausing before step '") + step, 60s));
                deploy.kill_with(SIGKILL);
            }
            // The recovery is announced like any outcome.
            test::http_receiver hook;
            auto serve_env = env;
            serve_env["NOTIFY_URLS"] = hook.url() + "/deploys";
            test::agent_process serve({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
                                      serve_env);
            serve.port();
            INFO(serve.log());
            auto db = agent::store::open({.data_dir = data.path.string()});
            // Recovery runs before the agent takes work, after it printed its address.
            REQUIRE(test::eventually([&] {
                auto d = db->list_deployments(std::string("web"), 5);
                return d.size() == 1 && agent::is_terminal(d.front().state);
            }));
            auto d = db->list_deployments(std::string("web"), 5);
            CHECK(d.front().state == agent::deployment_state::recovered);
            CHECK_FALSE(d.front().error.empty());
            check_one_running(app);
            const bool switched = std::string(step) == "remove";
            CHECK(app.get() == (switched ? "v2\n" : "v1\n"));
            REQUIRE(test::eventually([&] { return hook.count() == 1; }, 20s));
            CHECK_THAT(hook.requests()[0].body, Catch::Contains(R"("app":"web")") &&
                                                    Catch::Contains(R"("result":"recovered")"));
        }
    }
}

TEST_CASE("recreate: SIGTERM during the health wait rolls back within the grace",
          "[e2e][recreate]") {
    rig::web_app app("sigterm", rig::web_dockerfile("v1"));
    // Never healthy within the test: the first check runs after 60 s.
    app.push_version(rig::web_dockerfile("v2", "HEALTHCHECK --interval=60s CMD [\"true\"]"));
    test::temp_dir data("da-rc-term");
    const std::string jwt = "recreate-e2e-jwt-secret-of-32-bytes-or-more";
    const std::string manifest = manifest_for(app, "{ timeout: 120s, stable_for: 1s }");
    test::agent_process serve({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
                              {{"DATA_DIR", data.path.string()}, {"LOG_LEVEL", "debug"},
                               {"JWT_SECRET", jwt}, {"DEPLOY_DEBOUNCE_MS", "0"},
                               {"STOP_GRACE_SECONDS", "8"}});
    auto port = serve.port();
    auto res = test::http_request(port, "POST", "/api/apps/web/deploy?force=1",
                                  {{"Authorization", "Bearer " + token_for(jwt)}});
    REQUIRE(res.status == 202);
    REQUIRE(serve.wait_for_log("started " + app.name, 60s));
    // A second deploy waits behind the running one: a stop must leave it queued.
    auto queued = test::http_request(port, "POST", "/api/apps/web/deploy?force=1",
                                     {{"Authorization", "Bearer " + token_for(jwt)}});
    REQUIRE(queued.status == 202);
    auto t0 = std::chrono::steady_clock::now();
    serve.kill_with(SIGTERM);
    auto took = std::chrono::steady_clock::now() - t0;
    INFO(serve.log());
    CHECK(took < 8s);
    auto db = agent::store::open({.data_dir = data.path.string()});
    auto d = db->list_deployments(std::string("web"), 5);
    REQUIRE(d.size() == 2);
    std::sort(d.begin(), d.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    CHECK(d[0].state == agent::deployment_state::rolled_back);
    CHECK(d[0].error.find("stopping") != std::string::npos);
    CHECK(d[1].state == agent::deployment_state::queued);
    CHECK(d[1].error.empty());
    check_one_running(app);
    CHECK(app.get() == "v1\n");
}

TEST_CASE("recreate: one owner per DATA_DIR, and the dry run touches nothing", "[e2e][recreate]") {
    rig::web_app app("owner", rig::web_dockerfile("v1"));
    // `docker run -d` returns before httpd listens; the last check reads the page.
    REQUIRE(test::eventually([&] { return app.get() == "v1\n"; }, 30s));
    app.push_version(rig::web_dockerfile("v2", "ENV ADDED=yes"));
    const std::string id_before = rig::inspect(app.name, "{{.Id}}");
    test::temp_dir data("da-rc-owner");
    const std::string jwt = "recreate-e2e-jwt-secret-of-32-bytes-or-more";
    const std::string manifest = manifest_for(app, "{ timeout: 20s, stable_for: 1s }");
    const std::map<std::string, std::string> env{{"DATA_DIR", data.path.string()},
                                                 {"JWT_SECRET", jwt}};
    test::agent_process serve({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"}, env);
    auto port = serve.port();

    auto [code, out] = test::run_agent_command({"deploy", "web", "--manifest", manifest}, env);
    INFO(out);
    CHECK(code == 3);
    CHECK_THAT(out, Catch::Contains("in use by deploy-agent serve"));

    auto [dry_code, dry_out] =
        test::run_agent_command({"deploy", "web", "--manifest", manifest, "--dry-run"}, env);
    INFO(dry_out);
    CHECK(dry_code == 0);
    CHECK_THAT(dry_out, Catch::Contains("Env.ADDED: (unset) -> yes"));
    CHECK_THAT(dry_out, Catch::Contains("nothing was changed"));

    auto api = test::http_request(port, "POST", "/api/apps/web/deploy?dry_run=1",
                                  {{"Authorization", "Bearer " + token_for(jwt)}});
    INFO(api.body);
    CHECK(api.status == 200);
    CHECK_THAT(api.body, Catch::Contains(R"j({"field":"Env.ADDED","before":"(unset)","after":"yes"})j"));
    CHECK(rig::inspect(app.name, "{{.Id}}") == id_before);
    CHECK(app.get() == "v1\n");
    auto db = agent::store::open({.data_dir = data.path.string()});
    CHECK(db->list_deployments(std::string("web"), 5).empty());
}

}  // namespace recreate_e2e_test
