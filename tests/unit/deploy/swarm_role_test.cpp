// What /readyz and doctor are told about Swarm, from the engine's GET /info.
#include <catch2/catch.hpp>

#include "deploy/swarm_step.hpp"
#include "docker_client/error.hpp"
#include "support/run_async.hpp"

namespace dc = docker_client;

namespace {

// Only swarm_info answers; anything else would be a bug in the code under test.
class info_only_engine final : public dc::docker_api {
  public:
    std::optional<dc::swarm_status> status;  // nullopt: the engine cannot be reached

    dc::net::awaitable<dc::swarm_status> swarm_info() override {
        if (!status) {
            throw dc::error(0, "", "connect to unix:///var/run/docker.sock: no such file");
        }
        co_return *status;
    }
    dc::net::awaitable<dc::engine_version> ping() override { throw unused(); }
    dc::net::awaitable<std::optional<dc::container_info>> inspect_container(std::string) override {
        throw unused();
    }
    dc::net::awaitable<std::string> create_container(std::string, std::string) override {
        throw unused();
    }
    dc::net::awaitable<void> start_container(std::string) override { throw unused(); }
    dc::net::awaitable<void> stop_container(std::string, dc::stop_options) override {
        throw unused();
    }
    dc::net::awaitable<void> restart_container(std::string, dc::stop_options) override {
        throw unused();
    }
    dc::net::awaitable<void> rename_container(std::string, std::string) override {
        throw unused();
    }
    dc::net::awaitable<void> remove_container(std::string, dc::remove_options) override {
        throw unused();
    }
    dc::net::awaitable<std::optional<dc::image_info>> inspect_image(std::string) override {
        throw unused();
    }
    dc::net::awaitable<void> pull_image(std::string, std::optional<dc::registry_auth>,
                                        dc::progress_callback) override {
        throw unused();
    }

  private:
    static std::logic_error unused() { return std::logic_error("not used by swarm_role"); }
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
