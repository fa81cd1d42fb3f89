// The recreate sequence and its one rollback against the engine's container and image roles
// held in memory (tests/support/fake_engine_roles.hpp): the order of the calls, and that every
// failure before the switch is final leaves the old container serving under its name.
#include <catch2/catch.hpp>

#include "deploy/executor.hpp"
#include "deploy/recreate.hpp"
#include "docker_client/error.hpp"
#include "docker_client/inspect.hpp"
#include "support/create_request.hpp"
#include "support/fake_engine_roles.hpp"
#include "support/recreate_rig.hpp"
#include "support/run_async.hpp"

namespace recreate_sequence_test {

namespace dc = docker_client;
using agent::deploy_result;

namespace {

constexpr std::int64_t deployment_id = 7;

struct recreate_fixture {
    test::fake_containers containers;
    test::fake_images images;
    rig::recording_journal journal;
    bool stopping = false;
    agent::app_spec app;
    std::string old_id;

    recreate_fixture() {
        app.name = "web";
        app.container = "web";
        app.image = "web:latest";
        app.health.stable_for = std::chrono::milliseconds{0};
        app.health.timeout = std::chrono::seconds{5};
        old_id = containers.add_running("web", "sha256:01d");
    }

    deploy_result run() {
        agent::recreate_plan plan;
        plan.app = app;
        plan.job = agent::deploy_job{deployment_id,
                                     agent::planned_job{"web", "deploy", "test", "", "", false}};
        plan.old.id = old_id;
        plan.old.name = "web";
        plan.old.image = "web:latest";
        plan.old.image_id = "sha256:01d";
        plan.new_image.id = "sha256:n3w";
        plan.spec = test::create_request(R"({"Image":"web:latest"})");
        agent::recreate_context context{containers, images, journal, stopping, {}};
        return test::run_async([&](auto) { return agent::run_recreate(context, std::move(plan)); });
    }

    /// The id of the one container created, or "".
    std::string new_id() const {
        for (const auto& [id, c] : containers.by_id) {
            if (c.create_body != nullptr) {
                return id;
            }
        }
        return "";
    }

    /// The old container serves again: named as before, running, and alone.
    void check_old_serves() const {
        const auto* web = containers.named("web");
        REQUIRE(web != nullptr);
        CHECK(web->id == old_id);
        CHECK(web->running);
        CHECK(containers.by_id.size() == 1);
    }
};

}  // namespace

TEST_CASE("recreate: rename, create, stop, start, health, remove, each recorded before it runs") {
    recreate_fixture f;
    REQUIRE(f.run() == deploy_result::succeeded);
    const std::string created = f.new_id();
    REQUIRE(!created.empty());
    CHECK(f.containers.calls == std::vector<std::string>{
                                    "rename " + f.old_id + " web-parked-7",
                                    "create web",
                                    "stop " + f.old_id,
                                    "start " + created,
                                    "remove " + f.old_id,
                                });
    CHECK(f.journal.recorded ==
          std::vector<std::string>{"rename", "create", "stop", "start", "health", "remove"});
    CHECK(test::json_text(f.containers.by_id.at(created).create_body) ==
          R"({"Image":"web:latest"})");
    const auto* web = f.containers.named("web");
    REQUIRE(web != nullptr);
    CHECK(web->id == created);
    CHECK(web->running);
    CHECK(f.containers.by_id.count(f.old_id) == 0);
    CHECK(f.images.calls.empty());
    CHECK(f.journal.result == deploy_result::succeeded);
    CHECK(f.journal.error.empty());
}

TEST_CASE("recreate: cleanup removes the old image once the new container serves") {
    recreate_fixture f;
    f.app.cleanup = true;
    REQUIRE(f.run() == deploy_result::succeeded);
    CHECK(f.images.calls == std::vector<std::string>{"remove sha256:01d"});
}

TEST_CASE("recreate: a failed health gate rolls back to the old container") {
    recreate_fixture f;
    SECTION("the new container exits") {
        f.containers.created_behaviour = test::fake_containers::behaviour::exits;
        REQUIRE(f.run() == deploy_result::rolled_back);
        CHECK(f.journal.error.find("exited with code 1") != std::string::npos);
    }
    SECTION("the new container's healthcheck reports unhealthy") {
        f.containers.created_behaviour = test::fake_containers::behaviour::unhealthy;
        REQUIRE(f.run() == deploy_result::rolled_back);
        CHECK(f.journal.error.find("unhealthy") != std::string::npos);
    }
    const std::string created = "n3w1bbbbbbbbbbbbbbbb";
    CHECK(f.containers.calls == std::vector<std::string>{
                                    "rename " + f.old_id + " web-parked-7",
                                    "create web",
                                    "stop " + f.old_id,
                                    "start " + created,
                                    "remove " + created,
                                    "rename " + f.old_id + " web",
                                    "start " + f.old_id,
                                });
    f.check_old_serves();
    CHECK(f.images.calls.empty());
    CHECK(f.journal.result == deploy_result::rolled_back);
}

TEST_CASE(
    "recreate: an engine error at any step before the switch leaves the old container "
    "serving") {
    const std::string step = GENERATE(as<std::string>{}, "rename", "create", "stop", "start");
    CAPTURE(step);
    recreate_fixture f;
    f.containers.fail_next(step);
    REQUIRE(f.run() == deploy_result::rolled_back);
    CHECK(f.journal.error.find("injected fault") != std::string::npos);
    f.check_old_serves();
    CHECK(f.containers.named("web-parked-7") == nullptr);
    CHECK(f.containers.calls.back() == "start " + f.old_id);
    // The failed step is the last one recorded.
    REQUIRE(!f.journal.recorded.empty());
    CHECK(f.journal.recorded.back() == step);
}

TEST_CASE("recreate: an engine error while inspecting the new container rolls back") {
    recreate_fixture f;
    f.containers.fail_next("inspect");
    REQUIRE(f.run() == deploy_result::rolled_back);
    CHECK(f.journal.recorded.back() == "health");
    f.check_old_serves();
}

TEST_CASE("recreate: a failed removal of the old container is a warning on a succeeded deploy") {
    recreate_fixture f;
    f.containers.fail_next("remove");
    REQUIRE(f.run() == deploy_result::succeeded);
    const auto* parked = f.containers.named("web-parked-7");
    REQUIRE(parked != nullptr);
    CHECK(parked->id == f.old_id);
    CHECK(!parked->running);
    bool warned = false;
    for (const auto& s : f.journal.steps) {
        warned = warned || s.find("could not be removed") != std::string::npos;
    }
    CHECK(warned);
}

TEST_CASE("recreate: a rollback that fails too ends failed and says what to run") {
    recreate_fixture f;
    f.containers.created_behaviour = test::fake_containers::behaviour::exits;
    f.containers.fail_next("remove");
    REQUIRE(f.run() == deploy_result::failed);
    CHECK(f.journal.error.find("the rollback failed too") != std::string::npos);
    CHECK(f.journal.error.find("docker rm -f") != std::string::npos);
    // The name stays with the new container, so the old one is not renamed back; it runs again
    // under its parked name.
    const auto* parked = f.containers.named("web-parked-7");
    REQUIRE(parked != nullptr);
    CHECK(parked->id == f.old_id);
    CHECK(parked->running);
}

TEST_CASE("recreate: a stop requested before the switch changes nothing") {
    recreate_fixture f;
    f.stopping = true;
    REQUIRE(f.run() == deploy_result::rolled_back);
    CHECK(f.journal.error.find("the agent is stopping") != std::string::npos);
    CHECK(f.containers.calls == std::vector<std::string>{"start " + f.old_id});
    CHECK(f.journal.recorded.empty());
    f.check_old_serves();
}

namespace {

dc::image_info image(const std::string& id) {
    return dc::image_info_from_json(R"({"Id":")" + id +
                                    R"(","RepoTags":["web:latest"],"Config":{}})");
}

// The swarm role is never used by a container app.
struct no_swarm final : dc::swarm_api {
    dc::net::awaitable<std::optional<dc::service_info>> inspect_service(std::string) override {
        co_return std::nullopt;
    }
    dc::net::awaitable<dc::swarm_status> swarm_info() override { co_return dc::swarm_status{}; }
    dc::net::awaitable<std::vector<std::string>> update_service(dc::service_update) override {
        throw dc::error(503, "this node is not a swarm manager", "update service");
    }
};

deploy_result deploy(recreate_fixture& f) {
    no_swarm swarm;
    agent::deploy_executor runner(agent::deploy_engine{f.containers, f.images, swarm}, f.journal);
    agent::deploy_job job{deployment_id,
                          agent::planned_job{"web", "deploy", "test", "", "", false}};
    return test::run_async([&](auto) { return runner.run(f.app, job); });
}

}  // namespace

TEST_CASE("deploy: a pull that brings a new image recreates the container through the roles") {
    recreate_fixture f;
    f.images.by_reference["sha256:01d"] = image("sha256:01d");
    f.images.pulled_as["web:latest"] = image("sha256:n3w");
    REQUIRE(deploy(f) == deploy_result::succeeded);
    CHECK(f.images.calls == std::vector<std::string>{"pull web:latest"});
    const std::string created = f.new_id();
    REQUIRE(!created.empty());
    CHECK(f.containers.calls == std::vector<std::string>{
                                    "rename " + f.old_id + " web-parked-7",
                                    "create web",
                                    "stop " + f.old_id,
                                    "start " + created,
                                    "remove " + f.old_id,
                                });
    const auto& body = f.containers.by_id.at(created).create_body;
    REQUIRE(body != nullptr);
    REQUIRE(body->HasMember("Image"));
    CHECK(test::json_text((*body)["Image"]) == R"("web:latest")");
}

TEST_CASE("deploy: a pull of the image the container runs changes nothing") {
    recreate_fixture f;
    f.images.by_reference["sha256:01d"] = image("sha256:01d");
    f.images.pulled_as["web:latest"] = image("sha256:01d");
    REQUIRE(deploy(f) == deploy_result::succeeded);
    CHECK(f.containers.calls.empty());
    f.check_old_serves();
}

}  // namespace recreate_sequence_test
