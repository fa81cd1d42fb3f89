// strategy build through the binary: a bare git repository as the remote, a checkout as the
// build context, the real engine and registry, signed pushes carrying the commit to deploy.
#include <chrono>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/git_repos.hpp"
#include "support/http_client.hpp"
#include "support/signed_push.hpp"

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

unsigned short published_port(const std::string& container) {
    std::string mapping = test::docker_ok({"port", container, "80/tcp"});
    return static_cast<unsigned short>(std::stoi(mapping.substr(mapping.rfind(':') + 1)));
}

std::string page(const std::string& container, const std::string& path = "/") {
    auto r = test::http_request(published_port(container), "GET", path);
    return r.status == 200 ? r.body : "HTTP " + std::to_string(r.status);
}

struct build_rig {
    const std::string app = test::unique_name("da-build");
    const std::string container = app;
    const std::string base = test::registry() + "/" + test::unique_name("da-build-base") + ":latest";
    const std::string image = "da-e2e/" + app + ":local";
    test::git_repos repos;
    test::scoped_images images;
    std::unique_ptr<test::scoped_container> guard;
    std::unique_ptr<test::agent_process> agent;
    std::string token;

    build_rig() {
        images.add(base);
        images.add(image);
        push_base("v1");
        // The container the agent replaces: the same server, an initial page.
        images.add(image + "-initial");
        test::build_image(image + "-initial",
                          "RUN mkdir /www && echo initial > /www/index.html\n"
                          "STOPSIGNAL SIGKILL\n"  // httpd as PID 1 ignores SIGTERM
                          "CMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]");
        guard = std::make_unique<test::scoped_container>(container);
        test::docker_ok({"run", "-d", "--name", container, "--label", "io.deploy-agent.test=1",
                         "-p", "127.0.0.1:0:80", image + "-initial"});
        auto manifest_path = test::write_temp_file(
            "manifest.yaml", manifest(app, container, image, repos.checkout.string()));
        auto data = std::filesystem::path(test::write_temp_file("data/.keep", "")).parent_path();
        agent = std::make_unique<test::agent_process>(
            std::vector<std::string>{"serve", "--manifest", manifest_path, "--listen",
                                     "127.0.0.1:0"},
            std::map<std::string, std::string>{{"WEBHOOK_SECRET", secret},
                                               {"JWT_SECRET", jwt_secret},
                                               {"DATA_DIR", data.string()},
                                               {"LOG_LEVEL", "debug"}});
        token = test::api_token(jwt_secret);
    }
    ~build_rig() {
        agent.reset();
        guard.reset();
        test::docker({"image", "prune", "-f", "--filter", "label=io.deploy-agent.app=" + app});
    }

    // The base image in the registry, with /base-version holding `version`.
    void push_base(const std::string& version) {
        test::build_image(base, "RUN echo " + version + " > /base-version");
        test::docker_ok({"push", base});
    }

    // Delivers a signed push of main from `before` to `after`; returns the deployment's final
    // JSON once it is no longer queued or running.
    std::string deliver(const std::string& before, const std::string& after) {
        const std::string body = test::push_payload(repository, "main", before, after);
        auto res = test::http_request(agent->port(), "POST", "/webhook",
                                      test::signed_push_headers(body, secret, "d-" + after), body);
        INFO("answer: " << res.body << "\nagent log:\n" << agent->log());
        REQUIRE(res.status == 202);
        return wait_for(test::first_deployment_id(res.body));
    }

    // The deployment's JSON once it is no longer queued or running.
    std::string wait_for(long long id) {
        REQUIRE(id > 0);
        std::string json;
        bool done = test::eventually(
            [&] {
                json = test::deployment_json(agent->port(), token, id);
                return json.find("\"state\":\"queued\"") == std::string::npos &&
                       json.find("\"state\":\"running\"") == std::string::npos &&
                       json.find("\"state\"") != std::string::npos;
            },
            180s);
        INFO(json << "\nagent log:\n" << agent->log());
        REQUIRE(done);
        return json;
    }
};

}  // namespace

TEST_CASE("build: a pushed commit is fetched and built without cache and serves then a force-push back deploys the older commit",
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
    CHECK(page(rig.container) == "page two");
    CHECK(test::docker_ok({"inspect", "--format",
                           "{{index .Config.Labels \"io.deploy-agent.commit\"}}", rig.image}) == v2);
    CHECK(rig.repos.head_of_checkout() == v2);

    // Force-push main back to the older commit: another `before`, so it deploys.
    rig.repos.force_push(before);
    std::string back = rig.deliver(v2, before);
    INFO(back);
    CHECK_THAT(back, Catch::Contains("\"state\":\"succeeded\""));
    CHECK(page(rig.container) == "page one");
    CHECK(rig.repos.head_of_checkout() == before);

    // The base image changes in the registry while the Dockerfile does not: with pull and
    // no_cache the RUN that copies it runs again (a cached layer would keep "v1").
    CHECK(page(rig.container, "/base.txt") == "v1\n");
    const std::string base_v1 = test::docker_ok({"image", "inspect", "--format", "{{.Id}}", rig.base});
    rig.push_base("v2");
    test::docker_ok({"tag", base_v1, rig.base});  // locally still v1: only a pull sees v2
    const std::string v3 = rig.repos.commit_and_push("page.html", "page three");
    std::string rebuilt = rig.deliver(before, v3);
    INFO(rebuilt);
    CHECK_THAT(rebuilt, Catch::Contains("\"state\":\"succeeded\""));
    CHECK(page(rig.container, "/base.txt") == "v2\n");
    CHECK(page(rig.container) == "page three");

    // The same commit again through the API: without the cache, the RUN lines run again.
    const std::string built = page(rig.container, "/built.txt");
    auto res = test::http_request(rig.agent->port(), "POST", "/api/apps/" + rig.app + "/deploy?force=1",
                                  {{"Authorization", "Bearer " + rig.token}});
    REQUIRE(res.status == 202);
    std::string again = rig.wait_for(test::first_deployment_id(res.body));
    INFO(again);
    CHECK_THAT(again, Catch::Contains("\"state\":\"succeeded\""));
    CHECK_THAT(again, Catch::Contains("checked out " + v3.substr(0, 12)));
    CHECK(page(rig.container, "/built.txt") != built);
}

TEST_CASE("build: a failing RUN leaves the old container serving with the daemon's message recorded then a dirty checkout fails naming its files",
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
    CHECK(page(rig.container) == "good page");

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
