#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "accept/acceptor.hpp"
#include "api/api_routes.hpp"
#include "api/bearer_token.hpp"
#include "common/clock.hpp"
#include "deploy/deploy_queue.hpp"
#include "deploy/journal.hpp"
#include "docker_client/error.hpp"
#include "manifest/manifest.hpp"
#include "manifest/manifest_holder.hpp"
#include "store/group_commit.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"
#include "support/run_async.hpp"

namespace api_routes_test {

using namespace agent;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;
namespace dc = docker_client;

const std::string secret = "api-test-secret";

// The engine roles the API is given: only inspect_container behaves; everything else throws,
// so a test notices if the API ever touches the engine beyond reading state. Counts calls per
// method.
class fake_docker final : public dc::container_api, public dc::image_api, public dc::swarm_api {
  public:
    std::map<std::string, dc::container_info> containers;
    std::map<std::string, int> calls;

    net::awaitable<std::optional<dc::container_info>> inspect_container(std::string name) override {
        ++calls["inspect_container"];
        auto it = containers.find(name);
        if (it == containers.end()) {
            co_return std::nullopt;
        }
        co_return it->second;
    }
    net::awaitable<std::string> create_container(std::string,
                                                 dc::container_create_request) override {
        throw refused("create_container");
    }
    net::awaitable<void> start_container(std::string) override { throw refused("start_container"); }
    net::awaitable<void> stop_container(std::string, dc::stop_options) override {
        throw refused("stop_container");
    }
    net::awaitable<void> restart_container(std::string, dc::stop_options) override {
        throw refused("restart_container");
    }
    net::awaitable<void> rename_container(std::string, std::string) override {
        throw refused("rename_container");
    }
    net::awaitable<void> remove_container(std::string, dc::remove_options) override {
        throw refused("remove_container");
    }
    net::awaitable<std::vector<dc::container_summary>> list_containers(
        dc::container_list_options) override {
        throw refused("list_containers");
    }
    net::awaitable<void> kill_container(std::string, std::string) override {
        throw refused("kill_container");
    }
    net::awaitable<dc::wait_result> wait_container(std::string, dc::wait_options) override {
        throw refused("wait_container");
    }
    net::awaitable<dc::container_logs> logs(std::string, dc::log_options) override {
        throw refused("logs");
    }

    net::awaitable<std::optional<dc::image_info>> inspect_image(std::string) override {
        throw refused("inspect_image");
    }
    net::awaitable<void> pull_image(std::string, std::optional<dc::registry_auth>,
                                    dc::progress_callback) override {
        throw refused("pull_image");
    }
    net::awaitable<void> tag_image(std::string, std::string, std::string) override {
        throw refused("tag_image");
    }
    net::awaitable<bool> remove_image(std::string, dc::image_remove_options) override {
        throw refused("remove_image");
    }
    net::awaitable<dc::prune_result> prune_dangling_images(std::vector<std::string>) override {
        throw refused("prune_dangling_images");
    }
    net::awaitable<dc::distribution_info> distribution_inspect(
        std::string, std::optional<dc::registry_auth>) override {
        throw refused("distribution_inspect");
    }
    net::awaitable<dc::build_result> build_image(dc::build_options,
                                                 dc::build_log_callback) override {
        throw refused("build_image");
    }

    net::awaitable<std::optional<dc::service_info>> inspect_service(std::string) override {
        throw refused("inspect_service");
    }
    net::awaitable<dc::swarm_status> swarm_info() override { throw refused("swarm_info"); }
    net::awaitable<std::vector<std::string>> update_service(dc::service_update) override {
        throw refused("update_service");
    }

  private:
    dc::error refused(const char* what) {
        ++calls[what];
        return dc::error(0, "not available in this test", what);
    }
};

using test::temp_dir;

manifest test_manifest() {
    return parse_manifest(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    image: registry.example.com/web:latest\n"
        "  worker:\n"
        "    container: worker-1\n"
        "    strategy: restart\n"
        "  stopped:\n"
        "    strategy: restart\n",
        "api-test.yaml");
}

std::unique_ptr<store> open_store(const temp_dir& dir) {
    store_options options;
    options.data_dir = (dir.path / "data").string();
    return store::open(options);
}

// Stands in for deploy_executor::run: the queue hands each job here once its lane starts.
net::awaitable<deploy_result> note_run(std::vector<deploy_job>& ran, app_spec, deploy_job job) {
    ran.push_back(std::move(job));
    co_return deploy_result::succeeded;
}

// Everything api_routes needs, real except the engine. Each call runs on a fresh io_context
// (run_async), with a queue and routes bound to that context's executor.
struct api_fixture {
    temp_dir dir;
    std::unique_ptr<store> db = open_store(dir);
    group_committer committer{*db};
    manifest_holder manifests{test_manifest()};
    fake_docker docker;
    log_journal journal;
    steady_clock_source time;
    std::vector<deploy_job> ran;  ///< jobs the queue started, in order
    std::optional<std::string> jwt_secret = secret;
    std::optional<deploy_queue> queue;
    std::optional<acceptor> accept;
    std::optional<api_routes> routes;
    http_request request;

    api_fixture() {
        dc::container_info web;
        web.id = "c0ffee";
        web.name = "web";
        web.image = "registry.example.com/web:latest";
        web.image_id = "sha256:1111";
        web.state.status = "running";
        web.state.running = true;
        docker.containers["web"] = web;
        dc::container_info stopped;
        stopped.id = "dead01";
        stopped.name = "stopped";
        stopped.image = "busybox:1.36";
        stopped.state.status = "exited";
        docker.containers["stopped"] = stopped;
    }

    http_response call(std::string method, std::string target,
                       std::optional<std::string> authorization) {
        request = http_request{};
        request.method = std::move(method);
        request.target = std::move(target);
        request.peer = "127.0.0.1";
        if (authorization) {
            request.headers.emplace_back("Authorization", *authorization);
        }
        return test::run_async([this](net::any_io_executor ex) {
            routes.reset();
            accept.reset();
            queue.reset();
            queue.emplace(
                ex,
                [this](app_spec app, deploy_job job) {
                    return note_run(ran, std::move(app), std::move(job));
                },
                journal, [this] { return manifests.current(); }, time,
                queue_options{.debounce = std::chrono::milliseconds{0}});
            accept.emplace(committer, *db, *queue);
            routes.emplace(api_services{
                .manifests = manifests,
                .db = *db,
                .accept = *accept,
                .docker = deploy_engine{docker, docker, docker},
                .jwt_secret = jwt_secret,
            });
            return routes->handle(request);
        });
    }

    std::string valid_token() const {
        return "Bearer " + issue_token(secret, "tester", seconds{3600}, system_clock::now());
    }

    http_response get(std::string target) { return call("GET", std::move(target), valid_token()); }
    http_response post(std::string target) {
        return call("POST", std::move(target), valid_token());
    }
};

rapidjson::Document parse(const http_response& r) {
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.IsObject());
    return doc;
}

std::string error_of(const http_response& r) {
    auto doc = parse(r);
    REQUIRE(doc.HasMember("success"));
    CHECK(doc["success"].IsFalse());
    REQUIRE(doc.HasMember("error"));
    REQUIRE(doc["error"].IsString());
    return doc["error"].GetString();
}

std::vector<std::string> member_names(const rapidjson::Value& object) {
    std::vector<std::string> names;
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
        names.emplace_back(it->name.GetString());
    }
    return names;
}

const std::vector<std::string> deployment_keys = {
    "id",        "app",        "state",      "trigger",     "commit", "old_image",
    "new_image", "created_at", "started_at", "finished_at", "error"};

}  // namespace

TEST_CASE("api: no JWT_SECRET means 503 on every path", "[api]") {
    api_fixture f;
    f.jwt_secret.reset();
    for (auto target : {"/api/apps", "/api/deployments", "/api/nothing"}) {
        auto r = f.call("GET", target, f.valid_token());
        CHECK(r.status == 503);
        CHECK(error_of(r) == "API not configured: set JWT_SECRET");
    }
    f.jwt_secret = "";
    CHECK(f.call("GET", "/api/apps", f.valid_token()).status == 503);
}

TEST_CASE("api: no token, an expired token, a wrong signature are 401", "[api]") {
    api_fixture f;
    const auto now = system_clock::now();
    SECTION("no Authorization header") {
        auto r = f.call("GET", "/api/apps", std::nullopt);
        CHECK(r.status == 401);
        CHECK(error_of(r) == "missing bearer token");
        REQUIRE(r.headers.size() == 1);
        CHECK(r.headers[0].first == "WWW-Authenticate");
    }
    SECTION("another scheme") {
        CHECK(f.call("GET", "/api/apps", "Basic YTpi").status == 401);
    }
    SECTION("expired") {
        auto token = issue_token(secret, "tester", seconds{60}, now - std::chrono::hours{2});
        auto r = f.call("GET", "/api/deployments", "Bearer " + token);
        CHECK(r.status == 401);
        CHECK(error_of(r) == "token expired");
    }
    SECTION("signed with another secret") {
        auto token = issue_token("not-the-secret", "tester", seconds{3600}, now);
        auto r = f.call("GET", "/api/deployments", "Bearer " + token);
        CHECK(r.status == 401);
        CHECK(error_of(r) == "invalid token");
    }
    SECTION("garbage") {
        CHECK(f.call("GET", "/api/apps", "Bearer x.y.z").status == 401);
    }
    SECTION("a refused token deploys nothing, even for a real app") {
        auto token = issue_token("not-the-secret", "tester", seconds{3600}, now);
        CHECK(f.call("POST", "/api/apps/web/deploy", "Bearer " + token).status == 401);
        CHECK(f.db->list_deployments(std::nullopt, 10).empty());
        CHECK(f.ran.empty());
    }
    SECTION("unknown paths are 401 too, before routing") {
        CHECK(f.call("GET", "/api/secret-place", std::nullopt).status == 401);
    }
    CHECK(f.docker.calls.empty());
}

TEST_CASE("api: GET /api/apps shows each manifest app's container, state and last deployment",
          "[api]") {
    api_fixture f;
    auto ids = f.db->record_delivery({"d1", "github", "push", "accepted", "ok", 1000},
                                     {{"web", "deploy", "github", "abc123", "d1", false}});
    REQUIRE(ids.size() == 1);
    REQUIRE(f.db->mark_running(ids[0], "sha256:0000", 1700000000123));

    auto r = f.get("/api/apps");
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/json");
    auto doc = parse(r);
    CHECK(member_names(doc) == std::vector<std::string>{"apps"});
    const auto& apps = doc["apps"];
    REQUIRE(apps.IsArray());
    REQUIRE(apps.Size() == 3);
    for (const auto& app : apps.GetArray()) {
        CHECK(member_names(app) ==
              std::vector<std::string>{"name", "container", "image", "state", "last_deployment"});
    }
    CHECK(std::string(apps[0]["name"].GetString()) == "web");
    CHECK(std::string(apps[0]["container"].GetString()) == "web");
    CHECK(std::string(apps[0]["image"].GetString()) == "registry.example.com/web:latest");
    CHECK(std::string(apps[0]["state"].GetString()) == "running");
    const auto& last = apps[0]["last_deployment"];
    REQUIRE(last.IsObject());
    CHECK(member_names(last) == deployment_keys);
    CHECK(last["id"].GetInt64() == ids[0]);
    CHECK(std::string(last["state"].GetString()) == "running");
    CHECK(std::string(last["commit"].GetString()) == "abc123");
    CHECK(std::string(last["old_image"].GetString()) == "sha256:0000");
    CHECK(std::string(last["started_at"].GetString()) == "2023-11-14T22:13:20.123Z");
    CHECK(last["finished_at"].IsNull());
    CHECK(last["new_image"].IsNull());
    CHECK(last["error"].IsNull());

    CHECK(std::string(apps[1]["name"].GetString()) == "worker");
    CHECK(std::string(apps[1]["container"].GetString()) == "worker-1");
    CHECK(std::string(apps[1]["state"].GetString()) == "missing");
    CHECK(apps[1]["image"].IsNull());
    CHECK(apps[1]["last_deployment"].IsNull());

    CHECK(std::string(apps[2]["state"].GetString()) == "exited");
    CHECK(std::string(apps[2]["image"].GetString()) == "busybox:1.36");

    CHECK(f.docker.calls == std::map<std::string, int>{{"inspect_container", 3}});
}

TEST_CASE("api: POST /api/apps/{app}/deploy queues a deployment", "[api]") {
    api_fixture f;
    SECTION("202 with the id; the store has it queued, trigger api") {
        auto r = f.post("/api/apps/worker/deploy");
        REQUIRE(r.status == 202);
        auto doc = parse(r);
        CHECK(member_names(doc) == std::vector<std::string>{"success", "deployment"});
        CHECK(doc["success"].IsTrue());
        CHECK(member_names(doc["deployment"]) == std::vector<std::string>{"id", "app"});
        CHECK(std::string(doc["deployment"]["app"].GetString()) == "worker");
        const std::int64_t id = doc["deployment"]["id"].GetInt64();
        auto d = f.db->get_deployment(id);
        REQUIRE(d.has_value());
        CHECK(d->app == "worker");
        CHECK(d->state == deployment_state::queued);
        CHECK(d->trigger == "api");
        CHECK_FALSE(d->force);
        // The queue started it with the planned job (the store is left as recorded: the test's
        // journal only logs).
        REQUIRE(f.ran.size() == 1);
        CHECK(f.ran[0].id == id);
        CHECK(f.ran[0].plan.app == "worker");
        CHECK(f.ran[0].plan.trigger == "api");
        CHECK(f.docker.calls.empty());
    }
    SECTION("?force=1 sets force") {
        auto r = f.post("/api/apps/worker/deploy?force=1");
        REQUIRE(r.status == 202);
        auto d = f.db->get_deployment(parse(r)["deployment"]["id"].GetInt64());
        REQUIRE(d.has_value());
        CHECK(d->force);
        REQUIRE(f.ran.size() == 1);
        CHECK(f.ran[0].plan.force);
        CHECK(f.post("/api/apps/worker/deploy?force=0").status == 202);
        CHECK(f.post("/api/apps/worker/deploy?force=maybe").status == 400);
    }
    SECTION("a token whose subject is \"cli\" still makes an api deployment") {
        auto token = issue_token(secret, "cli", seconds{60}, system_clock::now());
        auto r = f.call("POST", "/api/apps/worker/deploy", "Bearer " + token);
        REQUIRE(r.status == 202);
        CHECK(f.db->get_deployment(parse(r)["deployment"]["id"].GetInt64())->trigger == "api");
    }
    SECTION("an app not in the manifest is 404 and nothing is recorded or touched") {
        auto r = f.post("/api/apps/nope/deploy");
        CHECK(r.status == 404);
        CHECK(error_of(r) == "unknown app");
        CHECK(f.db->list_deployments(std::nullopt, 10).empty());
        CHECK(f.ran.empty());
        CHECK(f.docker.calls.empty());
    }
    SECTION("an invalid app name is 400 and nothing is recorded") {
        for (auto target : {"/api/apps/Web/deploy", "/api/apps/..%2Fetc/deploy",
                            "/api/apps/-x/deploy", "/api/apps/a%20b/deploy"}) {
            CHECK(f.post(target).status == 400);
        }
        CHECK(f.post("/api/apps//deploy").status == 400);
        CHECK(f.db->list_deployments(std::nullopt, 10).empty());
        CHECK(f.ran.empty());
        CHECK(f.docker.calls.empty());
    }
    SECTION("GET is 405 with Allow: POST") {
        auto r = f.get("/api/apps/web/deploy");
        CHECK(r.status == 405);
        REQUIRE(r.headers.size() == 1);
        CHECK(r.headers[0] == std::pair<std::string, std::string>{"Allow", "POST"});
    }
}

TEST_CASE("api: GET /api/deployments lists newest first, by app, bounded", "[api]") {
    api_fixture f;
    for (int i = 0; i < 6; ++i) {
        f.db->record_delivery(
            {"d" + std::to_string(i), "github", "push", "accepted", "ok", 1000 + i},
            {{i % 2 == 0 ? "web" : "worker", "deploy", "github", "", "", false}});
    }
    auto ids_of = [&](const http_response& r) {
        REQUIRE(r.status == 200);
        auto doc = parse(r);
        CHECK(member_names(doc) == std::vector<std::string>{"deployments"});
        std::vector<std::int64_t> ids;
        for (const auto& d : doc["deployments"].GetArray()) {
            CHECK(member_names(d) == deployment_keys);
            ids.push_back(d["id"].GetInt64());
        }
        return ids;
    };
    auto all = ids_of(f.get("/api/deployments"));
    REQUIRE(all.size() == 6);
    CHECK(std::is_sorted(all.rbegin(), all.rend()));
    CHECK(ids_of(f.get("/api/deployments?app=web")).size() == 3);
    CHECK(ids_of(f.get("/api/deployments?app=gone")).empty());
    CHECK(ids_of(f.get("/api/deployments?limit=2")) == std::vector<std::int64_t>{all[0], all[1]});
    CHECK(ids_of(f.get("/api/deployments?app=worker&limit=1")).size() == 1);
    CHECK(ids_of(f.get("/api/deployments?limit=100000000000000000000000")).size() == 6);

    auto doc = parse(f.get("/api/deployments?limit=1"));
    const auto& d = doc["deployments"][0];
    CHECK(std::string(d["state"].GetString()) == "queued");
    CHECK(std::string(d["trigger"].GetString()) == "github");
    CHECK(d["commit"].IsNull());
    CHECK(d["created_at"].IsString());
    CHECK(d["started_at"].IsNull());

    for (auto bad :
         {"/api/deployments?limit=0", "/api/deployments?limit=-1", "/api/deployments?limit=ten",
          "/api/deployments?limit=1.5", "/api/deployments?app=Bad!"}) {
        CHECK(f.get(bad).status == 400);
    }
    CHECK(f.call("DELETE", "/api/deployments", f.valid_token()).status == 405);
}

TEST_CASE("api: GET /api/deployments/{id} shows the deployment and its step log", "[api]") {
    api_fixture f;
    auto ids = f.db->record_delivery({"d1", "github", "push", "accepted", "ok", 1000},
                                     {{"web", "deploy", "github", "abc", "d1", false}});
    const std::int64_t id = ids.at(0);
    f.db->mark_running(id, "sha256:old", 1700000000000);
    f.db->append_step(id, 1700000000500, "pulling registry.example.com/web:latest");
    f.db->append_step(id, 1700000001000, "recreating web");
    f.db->mark_finished(id, deployment_state::failed, "", "health check failed", 1700000002000);

    auto r = f.get("/api/deployments/" + std::to_string(id));
    REQUIRE(r.status == 200);
    auto doc = parse(r);
    auto keys = deployment_keys;
    keys.push_back("steps");
    CHECK(member_names(doc) == keys);
    CHECK(std::string(doc["state"].GetString()) == "failed");
    CHECK(std::string(doc["error"].GetString()) == "health check failed");
    CHECK(std::string(doc["finished_at"].GetString()) == "2023-11-14T22:13:22.000Z");
    const auto& steps = doc["steps"];
    REQUIRE(steps.IsArray());
    REQUIRE(steps.Size() >= 2);
    bool found = false;
    for (const auto& s : steps.GetArray()) {
        CHECK(member_names(s) == std::vector<std::string>{"at", "message"});
        if (std::string(s["message"].GetString()) == "recreating web") {
            found = true;
            CHECK(std::string(s["at"].GetString()) == "2023-11-14T22:13:21.000Z");
        }
    }
    CHECK(found);

    CHECK(f.get("/api/deployments/999999").status == 404);
    CHECK(error_of(f.get("/api/deployments/999999")) == "deployment not found");
    for (auto bad : {"/api/deployments/abc", "/api/deployments/-1", "/api/deployments/0",
                     "/api/deployments/01", "/api/deployments/1234567890123456789012"}) {
        CHECK(f.get(bad).status == 400);
    }
}

TEST_CASE("api: unknown paths are 404, wrong methods 405", "[api]") {
    api_fixture f;
    CHECK(f.get("/api/").status == 404);
    CHECK(f.get("/api").status == 404);
    CHECK(f.get("/api/apps/").status == 404);
    CHECK(f.get("/api/apps/web").status == 404);
    CHECK(f.get("/api/deployments/1/steps").status == 404);
    CHECK(f.post("/api/apps").status == 405);
    CHECK(f.post("/api/deployments/1").status == 405);
}

}  // namespace api_routes_test
