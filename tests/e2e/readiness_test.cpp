// GET /readyz through the built binary: ready, then each check failing on its own.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include <catch2/catch.hpp>

#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"

namespace readiness_test {

using namespace std::chrono_literals;

namespace {

const std::string manifest_text =
    "version: 1\napps:\n  ready-app:\n    container: da-ready-app\n    strategy: restart\n"
    "    triggers:\n      github:\n        repository: example/ready\n        branches: [main]\n";

struct ready_rig {
    test::temp_dir dir{"da-readyz"};
    std::string manifest = (dir.path / "manifest.yaml").string();
    std::string data = (dir.path / "data").string();
    std::unique_ptr<test::agent_process> agent;

    explicit ready_rig(std::map<std::string, std::string> env = {}) {
        std::ofstream(manifest) << manifest_text;
        env.emplace("DATA_DIR", data);
        agent = std::make_unique<test::agent_process>(
            std::vector<std::string>{"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
            env);
    }
    test::http_result readyz() { return test::http_request(agent->port(), "GET", "/readyz"); }
};

}  // namespace

TEST_CASE("/readyz is 200 and names each check when the agent can work", "[e2e][readyz]") {
    ready_rig rig;
    auto r = rig.readyz();
    INFO(r.body << "\n" << rig.agent->log());
    CHECK(r.status == 200);
    CHECK_THAT(r.body, Catch::Contains(R"("ready":true)"));
    CHECK_THAT(r.body, Catch::Contains(R"("manifest":{"ok":true,"detail":"1 app(s) from )"));
    CHECK_THAT(r.body, Catch::Contains(R"("engine":{"ok":true,"detail":"Docker Engine )"));
    CHECK_THAT(r.body, Catch::Contains(R"("store":{"ok":true)"));
}

TEST_CASE("/readyz is 503 when the engine does not answer", "[e2e][readyz]") {
    const std::string missing = "/tmp/" + test::unique_name("da-no-engine") + ".sock";
    ready_rig rig({{"DOCKER_HOST", "unix://" + missing}});
    auto r = rig.readyz();
    INFO(r.body);
    CHECK(r.status == 503);
    CHECK_THAT(r.body, Catch::Contains(R"("ready":false)"));
    CHECK_THAT(r.body, Catch::Contains(R"("engine":{"ok":false,"detail":"the Docker Engine does not answer)"));
    CHECK_THAT(r.body, Catch::Contains(R"("manifest":{"ok":true)"));
    CHECK_THAT(r.body, Catch::Contains(R"("store":{"ok":true)"));
}

TEST_CASE("/readyz is 503 while the manifest file no longer loads, 200 once fixed",
          "[e2e][readyz]") {
    ready_rig rig;
    REQUIRE(rig.readyz().status == 200);
    std::ofstream(rig.manifest, std::ios::trunc) << "version: 1\napps:\n  Bad Name!:\n";
    // The verdict is reused for a second: the change shows within it.
    test::http_result r;
    CHECK(test::eventually(
        [&] {
            r = rig.readyz();
            return r.status == 503;
        },
        3s));
    INFO(r.body);
    CHECK_THAT(r.body, Catch::Contains(R"("manifest":{"ok":false,"detail":"1 app(s) from )"));
    CHECK_THAT(r.body, Catch::Contains("is in force, but the file no longer loads: "));
    CHECK_THAT(r.body, Catch::Contains(R"("engine":{"ok":true)"));
    std::ofstream(rig.manifest, std::ios::trunc) << manifest_text;
    CHECK(test::eventually([&] { return rig.readyz().status == 200; }));
}

TEST_CASE("/readyz is 503 when DATA_DIR is gone", "[e2e][readyz]") {
    ready_rig rig;
    REQUIRE(rig.readyz().status == 200);
    std::filesystem::remove_all(rig.data);
    test::http_result r;
    CHECK(test::eventually(
        [&] {
            r = rig.readyz();
            return r.status == 503;
        },
        3s));
    INFO(r.body);
    CHECK_THAT(r.body, Catch::Contains(R"("store":{"ok":false,"detail":"the history file )"));
    CHECK_THAT(r.body, Catch::Contains(R"("engine":{"ok":true)"));
}

TEST_CASE("/readyz: details to loopback and READYZ_ALLOWED_CIDRS, a bare verdict to others, "
          "computed once a second",
          "[e2e][readyz][attack]") {
    SECTION("details to loopback only by default") {
        ready_rig rig(std::map<std::string, std::string>{{"TRUSTED_PROXIES", "127.0.0.1/32"}});
        const auto port = rig.agent->port();
        auto outside =
            test::http_request(port, "GET", "/readyz", {{"CF-Connecting-IP", "198.51.100.9"}});
        CHECK(outside.status == 200);
        CHECK(outside.body == R"({"ready":true})");
        CHECK_THAT(rig.readyz().body, Catch::Contains(R"("checks":)"));
        // A thousand calls cost one computation a second: the verdict stays the cached one
        // even once the manifest breaks, until its second is over.
        const auto start = std::chrono::steady_clock::now();
        std::ofstream(rig.manifest, std::ios::trunc) << "version: 1\napps:\n  Bad Name!:\n";
        int answered = 0;
        int stale = 0;
        for (int i = 0; i < 200; ++i) {
            const auto r = rig.readyz();
            answered += r.status == 200 || r.status == 503 ? 1 : 0;
            if (std::chrono::steady_clock::now() - start < 500ms) {
                stale += r.status == 200 ? 1 : 0;
            }
        }
        CHECK(answered == 200);
        CHECK(stale > 0);
    }
    SECTION("READYZ_ALLOWED_CIDRS sees the details") {
        ready_rig rig({{"TRUSTED_PROXIES", "127.0.0.1/32"},
                       {"READYZ_ALLOWED_CIDRS", "198.51.100.0/24"}});
        auto inside = test::http_request(rig.agent->port(), "GET", "/readyz",
                                         {{"CF-Connecting-IP", "198.51.100.9"}});
        CHECK_THAT(inside.body, Catch::Contains(R"("checks":)"));
        auto outside = test::http_request(rig.agent->port(), "GET", "/readyz",
                                          {{"CF-Connecting-IP", "203.0.113.9"}});
        CHECK(outside.body == R"({"ready":true})");
    }
}

TEST_CASE("deploy-agent healthcheck exits 0 against a live agent and 1 with the reason otherwise",
          "[e2e][healthcheck]") {
    ready_rig rig;
    const std::string port = std::to_string(rig.agent->port());
    auto [ok, ok_out] = test::run_agent_command({"healthcheck"},
                                                {{"LISTEN_ADDRESS", "0.0.0.0"}, {"PORT", port}});
    INFO(ok_out);
    CHECK(ok == 0);
    rig.agent.reset();  // stopped: nothing listens on the port any more
    auto [down, down_out] = test::run_agent_command(
        {"healthcheck"}, {{"LISTEN_ADDRESS", "127.0.0.1"}, {"PORT", port}});
    INFO(down_out);
    CHECK(down == 1);
    CHECK_THAT(down_out, Catch::Contains("deploy-agent healthcheck: http://127.0.0.1:" + port +
                                         "/healthz: cannot connect: "));
}

}  // namespace readiness_test
