// strategy build through the binary: a bare git repository as the remote, a checkout as the
// build context, the real engine and registry, signed pushes carrying the commit to deploy.
#include <chrono>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "support/agent_process.hpp"
#include "support/build_app_rig.hpp"
#include "support/engine.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/git_repos.hpp"
#include "support/http_client.hpp"
#include "support/signed_push.hpp"

namespace build_deploy_test {

namespace {

using namespace std::chrono_literals;

const std::string secret = "build-e2e-secret";
const std::string jwt_secret = "build-e2e-jwt-secret-0123456789abcdef";
const std::string repository = "da-e2e/site";

std::string dockerfile(const std::string& base, const std::string& extra = "") {
    return "FROM " + base + "\nLABEL io.deploy-agent.test=1\nCOPY page.html /www/index.html\n" +
           "RUN cat /base-version > /www/base.txt\n" +
           "RUN cat /proc/sys/kernel/random/uuid > /www/built.txt\n" + extra +
           "STOPSIGNAL SIGKILL\nCMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\n";
}

std::string manifest(const std::string& app, const std::string& container,
                     const std::string& image, const std::string& context) {
    return "version: 1\napps:\n  " + app + ":\n    container: " + container +
           "\n    image: " + image + "\n    strategy: build\n    build:\n      context: " +
           context + "\n      git: { remote: origin, branch: main }\n" +
           "    health: { timeout: 30s, stable_for: 1s }\n" +
           "    triggers:\n      github:\n        repository: " + repository +
           "\n        branches: [main]\n";
}

struct build_rig : test::build_app_rig {
    const std::string base = test::registry() + "/" + test::unique_name("da-build-base") + ":latest";

    // This file's constants, not the base's members of the same names (not set yet).
    build_rig()
        : test::build_app_rig("da-build", build_deploy_test::repository, build_deploy_test::secret,
                              build_deploy_test::jwt_secret) {
        images.add(base);
        push_base("v1");
        start(manifest(app, container, image, repos.checkout.string()));
    }

    // The base image in the registry, with /base-version holding `version`.
    void push_base(const std::string& version) {
        test::build_image(base, "RUN echo " + version + " > /base-version");
        test::docker_ok({"push", base});
    }
};

}  // namespace

TEST_CASE("build: a pushed commit is fetched, built without cache and serves, a force-push back "
          "deploys the older commit",
          "[e2e][build]") {
    build_rig rig;
    rig.repos.commit_and_push("Dockerfile", dockerfile(rig.base));
    const std::string before = rig.repos.commit_and_push("page.html", "page one");
    const std::string v2 = rig.repos.commit_and_push("page.html", "page two");

    std::string first = rig.deliver(before, v2);
    INFO(first << "\nagent log:\n" << rig.agent->log());
    CHECK_THAT(first, Catch::Contains("\"state\":\"succeeded\""));
    CHECK_THAT(first, Catch::Contains("checked out " + v2.substr(0, 12)));
    CHECK_THAT(first, Catch::Contains("Step 2/"));  // the daemon's build output, line by line
    CHECK_THAT(first, Catch::Contains("no cache"));
    CHECK(rig.page() == "page two");
    CHECK(test::docker_ok({"inspect", "--format",
                           "{{index .Config.Labels \"io.deploy-agent.commit\"}}", rig.image}) == v2);
    CHECK(rig.repos.head_of_checkout() == v2);

    // Force-push main back to the older commit: another `before`, so it deploys.
    rig.repos.force_push(before);
    std::string back = rig.deliver(v2, before);
    INFO(back);
    CHECK_THAT(back, Catch::Contains("\"state\":\"succeeded\""));
    CHECK(rig.page() == "page one");
    CHECK(rig.repos.head_of_checkout() == before);

    // The base image changes in the registry while the Dockerfile does not: with pull and
    // no_cache the RUN that copies it runs again (a cached layer would keep "v1").
    CHECK(rig.page("/base.txt") == "v1\n");
    const std::string base_v1 = test::docker_ok({"image", "inspect", "--format", "{{.Id}}", rig.base});
    rig.push_base("v2");
    test::docker_ok({"tag", base_v1, rig.base});  // locally still v1: only a pull sees v2
    const std::string v3 = rig.repos.commit_and_push("page.html", "page three");
    std::string rebuilt = rig.deliver(before, v3);
    INFO(rebuilt);
    CHECK_THAT(rebuilt, Catch::Contains("\"state\":\"succeeded\""));
    CHECK(rig.page("/base.txt") == "v2\n");
    CHECK(rig.page() == "page three");

    // The same commit again through the API: without the cache, the RUN lines run again.
    const std::string built = rig.page("/built.txt");
    auto res = test::http_request(rig.agent->port(), "POST", "/api/apps/" + rig.app + "/deploy?force=1",
                                  {{"Authorization", "Bearer " + rig.token}});
    REQUIRE(res.status == 202);
    std::string again = rig.wait_for(test::first_deployment_id(res.body));
    INFO(again);
    CHECK_THAT(again, Catch::Contains("\"state\":\"succeeded\""));
    CHECK_THAT(again, Catch::Contains("checked out " + v3.substr(0, 12)));
    CHECK(rig.page("/built.txt") != built);
}

TEST_CASE("build: a failing RUN leaves the old container serving with the daemon's message "
          "recorded, a dirty checkout fails naming its files",
          "[e2e][build]") {
    build_rig rig;
    rig.repos.commit_and_push("page.html", "good page");
    const std::string good = rig.repos.commit_and_push("Dockerfile", dockerfile(rig.base));
    std::string ok = rig.deliver("", good);
    INFO(ok << "\nagent log:\n" << rig.agent->log());
    REQUIRE_THAT(ok, Catch::Contains("\"state\":\"succeeded\""));
    const std::string serving = test::docker_ok({"inspect", "--format", "{{.Id}}", rig.container});

    const std::string broken = rig.repos.commit_and_push(
        "Dockerfile",
        dockerfile(rig.base, "RUN echo da-broken-step >&2 && exit 7\n"));
    std::string failed = rig.deliver(good, broken);
    INFO(failed);
    CHECK_THAT(failed, Catch::Contains("\"state\":\"failed\""));
    CHECK_THAT(failed, Catch::Contains("returned a non-zero code: 7"));
    CHECK_THAT(failed, Catch::Contains("da-broken-step"));
    CHECK(test::docker_ok({"inspect", "--format", "{{.Id}}", rig.container}) == serving);
    CHECK(rig.page() == "good page");

    std::ofstream(rig.repos.checkout / "page.html") << "edited on the server";
    std::ofstream(rig.repos.checkout / "stray.txt") << "left behind";
    const std::string next = rig.repos.commit_and_push("page.html", "next page");
    std::string dirty = rig.deliver(broken, next);
    INFO(dirty);
    CHECK_THAT(dirty, Catch::Contains("\"state\":\"failed\""));
    CHECK_THAT(dirty, Catch::Contains("local changes"));
    CHECK_THAT(dirty, Catch::Contains("page.html"));
    CHECK_THAT(dirty, Catch::Contains("stray.txt"));
    CHECK(test::docker_ok({"inspect", "--format", "{{.Id}}", rig.container}) == serving);
}

}  // namespace build_deploy_test
