// What /readyz and doctor are told about Swarm, from the engine's GET /info.
#include <catch2/catch.hpp>

#include "deploy/swarm_step.hpp"
#include "docker_client/error.hpp"
#include "support/run_async.hpp"

namespace swarm_role_test {

namespace dc = docker_client;

namespace {

// The swarm role, with only swarm_info meaning anything: swarm_role asks nothing else.
class info_only_engine final : public dc::swarm_api {
  public:
    std::optional<dc::swarm_status> status;  // nullopt: the engine cannot be reached

    dc::net::awaitable<dc::swarm_status> swarm_info() override {
        if (!status) {
            throw dc::error(0, "", "connect to unix:///var/run/docker.sock: no such file");
        }
        co_return *status;
    }
    dc::net::awaitable<std::optional<dc::service_info>> inspect_service(std::string) override {
        co_return std::nullopt;
    }
    dc::net::awaitable<std::vector<std::string>> update_service(dc::service_update) override {
        throw dc::error(503, "this node is not a swarm manager", "update service");
    }
};

agent::swarm_readiness role_of(info_only_engine& engine) {
    return test::run_async([&](auto) { return agent::swarm_role(engine); });
}

std::string problem_of(info_only_engine& engine, bool with_service) {
    auto m = std::make_shared<agent::manifest>();
    agent::app_spec app;
    app.name = "web";
    if (with_service) {
        app.service = "shop_web";
    }
    m->apps.push_back(app);
    return test::run_async([&](auto) { return agent::swarm_problem(engine, m); });
}

}  // namespace

TEST_CASE("swarm role: a manager and a worker and no swarm and an engine that cannot be asked") {
    info_only_engine engine;
    engine.status = dc::swarm_status{"active", true, "node1", ""};
    auto manager = role_of(engine);
    CHECK(manager.manager);
    CHECK(manager.text == "Swarm manager (node node1)");
    CHECK(problem_of(engine, true).empty());

    engine.status = dc::swarm_status{"active", false, "node2", ""};
    auto worker = role_of(engine);
    CHECK_FALSE(worker.manager);
    CHECK_THAT(worker.text, Catch::Contains("Swarm worker, not a manager"));

    engine.status = dc::swarm_status{"inactive", false, "", ""};
    auto none = role_of(engine);
    CHECK_FALSE(none.manager);
    CHECK_THAT(none.text, Catch::Contains("not a Swarm manager (Swarm state: inactive)"));
    CHECK_THAT(problem_of(engine, true), Catch::Contains("docker swarm init"));
    CHECK(problem_of(engine, false).empty());  // no service app: Swarm does not matter

    engine.status.reset();
    auto unreachable = role_of(engine);
    CHECK_FALSE(unreachable.manager);
    CHECK_THAT(unreachable.text, Catch::Contains("cannot ask the engine about Swarm"));
}

}  // namespace swarm_role_test
