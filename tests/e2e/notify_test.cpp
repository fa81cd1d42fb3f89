// Notifications through the built binary: in-test HTTP receivers get each outcome.
#include <chrono>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/http_receiver.hpp"
#include "support/two_app_agent.hpp"

namespace notify_test {

namespace {

using namespace std::chrono_literals;

const std::string jwt_secret = "notify-e2e-jwt-secret-0123456789";
const std::string webhook_secret = "notify-e2e-webhook-secret-abcdef";

// `app_notify` is the live app's notify: section (may be empty).
test::two_app_options notify_options(std::map<std::string, std::string> env,
                                     const std::string& app_notify = "") {
    env.emplace("NOTIFY_RETRY_MS", "100");
    return {"notify", jwt_secret, webhook_secret, "1s", app_notify, std::move(env)};
}

void check_no_secret(const test::received_request& r) {
    for (const std::string& secret : {jwt_secret, webhook_secret}) {
        CHECK(r.body.find(secret) == std::string::npos);
        for (const auto& [name, value] : r.headers) {
            CHECK(value.find(secret) == std::string::npos);
        }
    }
}

}  // namespace

TEST_CASE("a failed deploy is announced to the JSON webhook, retried after a 500, and to ntfy",
          "[e2e]") {
    test::http_receiver hook({500, 200});
    test::http_receiver ntfy;
    test::two_app_agent rig(notify_options({{"NOTIFY_URLS", hook.url() + "/deploys, ntfy://127.0.0.1:" +
                                                                std::to_string(ntfy.port()) + "/deploys"},
                                            {"PUBLIC_URL", "https://deploy.example.com/"}}));
    INFO("agent log:\n" << rig.process.log());
    const auto id = rig.deploy("ghost");
    REQUIRE(test::eventually([&] { return hook.count() == 2 && ntfy.count() == 1; }, 30s));
    auto sent = hook.requests();
    CHECK(sent[0].body == sent[1].body);
    CHECK(sent[1].target == "/deploys");
    CHECK_THAT(sent[1].body, Catch::Contains(R"("app":"ghost","deployment":)" + std::to_string(id)));
    CHECK_THAT(sent[1].body, Catch::Contains(R"("result":"failed")"));
    CHECK_THAT(sent[1].body, Catch::Contains(R"("trigger":"api")"));
    CHECK_THAT(sent[1].body, Catch::Contains("does not exist"));
    CHECK_THAT(sent[1].body, Catch::Contains("\"url\":\"https://deploy.example.com/deployments/" +
                                             std::to_string(id) + "\""));
    auto pushed = ntfy.requests()[0];
    CHECK(pushed.target == "/deploys");
    CHECK(pushed.headers["title"] == "deploy-agent: ghost failed");
    CHECK(pushed.headers["priority"] == "high");
    CHECK_THAT(pushed.body, Catch::StartsWith("ghost: deployment " + std::to_string(id) + " failed"));
    for (const auto& r : sent) {
        check_no_secret(r);
    }
    check_no_secret(pushed);
    CHECK(rig.process.wait_for_log("delivered to json http://127.0.0.1:" +
                                        std::to_string(hook.port()) + " (attempt 2)",
                                    10s));
}

TEST_CASE("succeeded is announced to an app's own notify: when it asks for it", "[e2e]") {
    test::http_receiver hook;
    test::two_app_agent rig(notify_options({}, "    notify:\n      urls: [\"http://127.0.0.1:" +
                                                   std::to_string(hook.port()) +
                                                   "/live\"]\n      on: [succeeded]\n"));
    INFO("agent log:\n" << rig.process.log());
    rig.deploy("ghost");  // fails, but the global list is empty and ghost has no notify:
    const auto id = rig.deploy("live");
    REQUIRE(test::eventually([&] { return hook.count() == 1; }, 30s));
    CHECK_THAT(hook.requests()[0].body, Catch::Contains(R"("app":"live","deployment":)" +
                                                        std::to_string(id)));
    CHECK_THAT(hook.requests()[0].body, Catch::Contains(R"("result":"succeeded")"));
    CHECK(hook.count() == 1);
}

TEST_CASE("a receiver that never answers does not delay the next deploy", "[e2e]") {
    test::http_receiver silent({200}, true);
    test::two_app_agent rig(notify_options(
        {{"NOTIFY_URLS", silent.url() + "/never"}, {"NOTIFY_TIMEOUT_MS", "120000"}}));
    INFO("agent log:\n" << rig.process.log());
    const auto first = rig.deploy("ghost");
    REQUIRE(test::eventually([&] { return silent.count() == 1; }, 30s));
    // The first notification is still waiting for its answer (two minutes) while the next
    // deploy runs to its end and is announced as well.
    const auto second = rig.deploy("live");
    REQUIRE(test::eventually([&] { return rig.state_of(second) == "succeeded"; }, 30s));
    const auto third = rig.deploy("ghost");
    REQUIRE(test::eventually([&] { return rig.state_of(third) == "failed"; }, 30s));
    CHECK(test::eventually([&] { return silent.count() == 2; }, 30s));
    CHECK(rig.process.log().find("gave up") == std::string::npos);
    CHECK(first < third);
}

}  // namespace notify_test
