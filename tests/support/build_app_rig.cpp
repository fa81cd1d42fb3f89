#include "support/build_app_rig.hpp"

#include <map>
#include <vector>

#include <catch2/catch.hpp>

#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/signed_push.hpp"

namespace test {

build_app_rig::build_app_rig(const std::string& name, std::string repository_name,
                             std::string webhook_secret, std::string api_secret)
    : repository(std::move(repository_name)), secret(std::move(webhook_secret)),
      jwt_secret(std::move(api_secret)), app(unique_name(name)) {
    images.add(image);
    images.add(image + "-initial");
}

build_app_rig::~build_app_rig() {
    agent.reset();
    guard.reset();
    docker({"image", "prune", "-f", "--filter", "label=io.deploy-agent.app=" + app});
}

void build_app_rig::start(const std::string& manifest) {
    build_image(image + "-initial",
                "RUN mkdir /www && echo initial > /www/index.html\n"
                "STOPSIGNAL SIGKILL\n"  // httpd as PID 1 ignores SIGTERM
                "CMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]");
    guard = std::make_unique<scoped_container>(container);
    docker_ok({"run", "-d", "--name", container, "--label", "io.deploy-agent.test=1", "-p",
               "127.0.0.1:0:80", image + "-initial"});
    manifest_path = write_temp_file("manifest.yaml", manifest);
    auto data = std::filesystem::path(write_temp_file("data/.keep", "")).parent_path();
    agent = std::make_unique<agent_process>(
        std::vector<std::string>{"serve", "--manifest", manifest_path, "--listen", "127.0.0.1:0"},
        std::map<std::string, std::string>{{"WEBHOOK_SECRET", secret},
                                           {"JWT_SECRET", jwt_secret},
                                           {"DATA_DIR", data.string()},
                                           {"LOG_LEVEL", "debug"}});
    token = api_token(jwt_secret);
}

std::string build_app_rig::deliver(const std::string& before, const std::string& after) {
    const std::string body = push_payload(repository, "main", before, after);
    auto res = http_request(agent->port(), "POST", "/webhook",
                            signed_push_headers(body, secret, "d-" + after), body);
    INFO("answer: " << res.body << "\nagent log:\n" << agent->log());
    REQUIRE(res.status == 202);
    return wait_for(first_deployment_id(res.body));
}

std::string build_app_rig::wait_for(long long id, std::chrono::seconds limit) {
    REQUIRE(id > 0);
    std::string json;
    bool done = eventually(
        [&] {
            json = deployment_json(agent->port(), token, id);
            return json.find("\"state\":\"queued\"") == std::string::npos &&
                   json.find("\"state\":\"running\"") == std::string::npos &&
                   json.find("\"state\"") != std::string::npos;
        },
        limit);
    INFO(json << "\nagent log:\n" << agent->log());
    REQUIRE(done);
    return json;
}

std::string build_app_rig::page(const std::string& path) const {
    std::string mapping = docker_ok({"port", container, "80/tcp"});
    auto port = static_cast<unsigned short>(std::stoi(mapping.substr(mapping.rfind(':') + 1)));
    auto r = http_request(port, "GET", path);
    return r.status == 200 ? r.body : "HTTP " + std::to_string(r.status);
}

}  // namespace test
