// The recreate against the real engine: the new image's values apply, data and networks stay,
// an unhealthy or crash-looping version is rolled back, engine faults at each step leave the
// old container serving, and the app's identity is exact.

#include <catch2/catch.hpp>

#include "support/engine.hpp"
#include "support/environment.hpp"
#include "support/eventually.hpp"
#include "support/recreate_rig.hpp"

namespace recreate_test {

using rig::inspect;
using rig::web_dockerfile;

namespace {

// What every test checks after a deploy that must leave exactly one container under the name.
void check_one_container(const rig::web_app& app) {
    CHECK(inspect(app.name, "{{.State.Running}}") == "true");
    CHECK(inspect(app.name + "-parked-1", "{{.Id}}").empty());
}

}  // namespace

TEST_CASE("recreate: the new image's CMD, ENV and HEALTHCHECK apply, cleanup removes the old "
          "image", "[recreate]") {
    rig::web_app app("apply", web_dockerfile("v1", "ENV MODE=one\nHEALTHCHECK --interval=1s CMD [\"true\"]"));
    const std::string old_image = inspect(app.name, "{{.Image}}");
    REQUIRE(app.get() == "v1\n");
    app.push_version(web_dockerfile(
        "v2", "ENV MODE=two\nHEALTHCHECK --interval=1s CMD [\"test\", \"-f\", \"/www2/index.html\"]",
        "/www2"));
    auto spec = app.spec();
    spec.cleanup = true;
    rig::recording_journal journal;
    auto result = rig::run_deploy(spec, journal);
    INFO(journal.transcript());
    REQUIRE(result == agent::deploy_result::succeeded);
    CHECK(app.get() == "v2\n");
    CHECK(inspect(app.name, "{{json .Config.Cmd}}").find("/www2") != std::string::npos);
    CHECK(inspect(app.name, "{{json .Config.Env}}").find("MODE=two") != std::string::npos);
    CHECK(inspect(app.name, "{{json .Config.Healthcheck.Test}}").find("/www2/index.html") !=
          std::string::npos);
    CHECK(inspect(app.name, "{{.State.Health.Status}}") == "healthy");
    CHECK(inspect(old_image, "{{.Id}}").empty());
    CHECK(journal.recorded ==
          std::vector<std::string>{"rename", "create", "stop", "start", "health", "remove"});
    check_one_container(app);
}

TEST_CASE("recreate: anonymous- and named-volume data survive", "[recreate]") {
    const std::string volume = test::unique_name("da-rc-vol");
    rig::web_app app("volumes", web_dockerfile("v1", "VOLUME /data"),
                     {"-v", volume + ":/named", "-v", "/anon"});
    test::docker_ok({"exec", app.name, "sh", "-c",
                     "echo image-volume > /data/f; echo named > /named/f; echo anon > /anon/f"});
    app.push_version(web_dockerfile("v2", "VOLUME /data"));
    rig::recording_journal journal;
    auto result = rig::run_deploy(app.spec(), journal);
    INFO(journal.transcript());
    CHECK(result == agent::deploy_result::succeeded);
    CHECK(test::docker_ok({"exec", app.name, "cat", "/data/f", "/named/f", "/anon/f"}) ==
          "image-volume\nnamed\nanon");
    check_one_container(app);
    // The old anonymous volumes are now mounted by name: `rm -v` keeps them, so name them.
    std::string mounted = inspect(app.name, "{{range .Mounts}}{{.Name}} {{end}}");
    test::docker({"rm", "-f", "-v", app.name});
    for (std::size_t pos = 0, end; (end = mounted.find(' ', pos)) != std::string::npos; pos = end + 1) {
        test::docker({"volume", "rm", mounted.substr(pos, end - pos)});
    }
    test::docker({"volume", "rm", volume});
}

TEST_CASE("recreate: a second container reaches the recreated one by its alias", "[recreate]") {
    const test::swarm_mode_lock no_swarm_change;
    test::scoped_networks networks;
    const std::string network = test::unique_name("da-rc-net");
    test::docker_ok({"network", "create", "--label", "io.deploy-agent.test=1", network});
    networks.add(network);
    rig::web_app app("alias", web_dockerfile("v1"),
                     {"--network", network, "--network-alias", "webalias"});
    test::scoped_container client(test::unique_name("da-rc-client"));
    test::docker_ok({"run", "-d", "--name", client.name(), "--label", "io.deploy-agent.test=1",
                     "--network", network, test::busybox_base_image(), "sh", "-c",
                     "trap 'exit 0' TERM; while :; do sleep 1; done"});
    app.push_version(web_dockerfile("v2"));
    rig::recording_journal journal;
    auto result = rig::run_deploy(app.spec(), journal);
    INFO(journal.transcript());
    REQUIRE(result == agent::deploy_result::succeeded);
    // The engine's embedded DNS takes the new container's alias a moment after its start (and
    // drops the parked container's); a lost alias would never answer.
    std::string answer;
    test::eventually(
        [&] {
            auto r = test::docker({"exec", client.name(), "wget", "-q", "-O-", "http://webalias/"});
            answer = r.output;
            while (!answer.empty() && (answer.back() == '\n' || answer.back() == ' ')) {
                answer.pop_back();
            }
            return r.exit_code == 0 && answer == "v2";
        },
        std::chrono::seconds(15));
    CHECK(answer == "v2");
    check_one_container(app);
}

TEST_CASE("recreate: an unhealthy new image is rolled back and the old version answers",
          "[recreate]") {
    rig::web_app app("unhealthy", web_dockerfile("v1"));
    app.push_version(web_dockerfile("v2", "HEALTHCHECK --interval=1s --retries=1 CMD [\"false\"]"));
    rig::recording_journal journal;
    auto result = rig::run_deploy(app.spec(), journal);
    INFO(journal.transcript());
    CHECK(result == agent::deploy_result::rolled_back);
    CHECK(journal.error.find("unhealthy") != std::string::npos);
    CHECK(app.get() == "v1\n");
    check_one_container(app);
}

TEST_CASE("recreate: a crash-looping image without a HEALTHCHECK is rolled back", "[recreate]") {
    rig::web_app app("crashloop", web_dockerfile("v1"), {"--restart", "always"});
    app.push_version(web_dockerfile("v2", "", "/www", R"(CMD ["sh", "-c", "sleep 1; exit 3"])"));
    rig::recording_journal journal;
    auto result = rig::run_deploy(app.spec(), journal);
    INFO(journal.transcript());
    CHECK(result == agent::deploy_result::rolled_back);
    CHECK(app.get() == "v1\n");
    check_one_container(app);
}

TEST_CASE("recreate: an engine fault at any step leaves the old container serving", "[recreate]") {
    for (const char* call : {"rename", "create", "stop", "start"}) {
        DYNAMIC_SECTION("fault at " << call) {
            rig::web_app app("fault", web_dockerfile("v1"));
            app.push_version(web_dockerfile("v2"));
            rig::recording_journal journal;
            auto result = rig::run_deploy(app.spec(), journal, call);
            INFO(journal.transcript());
            CHECK(result == agent::deploy_result::rolled_back);
            CHECK(journal.error.find("injected fault") != std::string::npos);
            CHECK(app.get() == "v1\n");
            check_one_container(app);
        }
    }
}

TEST_CASE("recreate: a rollback that fails too ends failed, naming the state and the command to run",
          "[recreate]") {
    rig::web_app app("rbfault", web_dockerfile("v1"));
    app.push_version(web_dockerfile("v2"));
    rig::recording_journal journal;
    // The new container's start fails, then so does the old one's in the rollback.
    auto result = rig::run_deploy(app.spec(), journal, "start*2");
    INFO(journal.transcript());
    CHECK(result == agent::deploy_result::failed);
    const std::string old_id = inspect(app.name, "{{.Id}}");
    CHECK_THAT(journal.error, Catch::Contains("the rollback failed too: starting the old "
                                              "container failed") &&
                                  Catch::Contains("run docker start " + old_id.substr(0, 12)));
    CHECK(journal.transcript().find("rollback: removed the new container") != std::string::npos);
    CHECK(journal.transcript().find("rollback: renamed the old container back") !=
          std::string::npos);
    // The state it names: the old container under its name, stopped. The command brings it back.
    CHECK(inspect(app.name, "{{.State.Running}}") == "false");
    test::docker_ok({"start", app.name});
    CHECK(test::eventually([&] { return app.get() == "v1\n"; }));
    check_one_container(app);
}

TEST_CASE("recreate: a failed removal of the old container after the switch is a warning",
          "[recreate]") {
    rig::web_app app("removefault", web_dockerfile("v1"));
    app.push_version(web_dockerfile("v2"));
    rig::recording_journal journal;
    auto result = rig::run_deploy(app.spec(), journal, "remove");
    INFO(journal.transcript());
    CHECK(result == agent::deploy_result::succeeded);
    CHECK(app.get() == "v2\n");
    CHECK(journal.transcript().find("warning: the old container") != std::string::npos);
    CHECK_FALSE(inspect(app.name + "-parked-1", "{{.Id}}").empty());  // left for a person
}

TEST_CASE("recreate: an app named like a prefix of another container's id is refused",
          "[recreate]") {
    test::scoped_container other(test::unique_name("da-rc-other"));
    test::docker_ok({"run", "-d", "--name", other.name(), "--label", "io.deploy-agent.test=1",
                     test::busybox_base_image(), "sh", "-c",
                     "trap 'exit 0' TERM; while :; do sleep 1; done"});
    const std::string id = inspect(other.name(), "{{.Id}}");
    agent::app_spec app;
    app.name = "prefix";
    app.container = id.substr(0, 6);  // hex-like, and no container has this name
    app.image = test::busybox_base_image();
    rig::recording_journal journal;
    auto result = rig::run_deploy(app, journal);
    CHECK(result == agent::deploy_result::failed);
    CHECK(journal.error.find("does not exist") != std::string::npos);
    CHECK(inspect(other.name(), "{{.Id}}") == id);
    CHECK(inspect(other.name(), "{{.State.Running}}") == "true");
    CHECK(journal.recorded.empty());
}

TEST_CASE("recreate: pulls with the app's credentials from a registry that requires them",
          "[recreate]") {
    test::auth_registry registry;
    rig::web_app app("auth", web_dockerfile("v1"), {}, registry.address(), registry.cli_config());
    app.push_version(web_dockerfile("v2"));
    test::docker_ok({"rmi", app.image});  // the deploy must pull it, with credentials
    const agent::environment wrong = test::env_of(
        {{"DA_RC_REG_USER", test::auth_registry::username}, {"DA_RC_REG_PASS", "wrong-password"}});
    auto spec = app.spec();
    spec.registry_auth = agent::registry_auth_spec{"DA_RC_REG_USER", "DA_RC_REG_PASS"};
    rig::recording_journal refused;
    CHECK(rig::run_deploy(spec, refused, "", wrong) == agent::deploy_result::failed);
    CHECK(refused.transcript().find("wrong-password") == std::string::npos);
    CHECK(app.get() == "v1\n");

    const agent::environment right =
        test::env_of({{"DA_RC_REG_USER", test::auth_registry::username},
                      {"DA_RC_REG_PASS", test::auth_registry::password}});
    rig::recording_journal journal;
    auto result = rig::run_deploy(spec, journal, "", right);
    INFO(journal.transcript());
    CHECK(result == agent::deploy_result::succeeded);
    CHECK(app.get() == "v2\n");
    CHECK(journal.transcript().find(test::auth_registry::password) == std::string::npos);
}

}  // namespace recreate_test
