#include "support/two_app_agent.hpp"

#include <chrono>
#include <regex>
#include <vector>

#include <catch2/catch.hpp>

#include "api/bearer_token.hpp"
#include "support/http_client.hpp"

namespace test {

namespace {

std::string two_app_manifest(const std::string& ghost, const std::string& live,
                             const two_app_options& o) {
    return write_temp_file("manifest.yaml",
                           "version: 1\napps:\n  ghost:\n    container: " + ghost +
                               "\n    strategy: restart\n  live:\n    container: " + live +
                               "\n    strategy: restart\n    health: { timeout: 30s, stable_for: " +
                               o.stable_for + " }\n" + o.live_extra);
}

std::map<std::string, std::string> two_app_env(const two_app_options& o, const temp_dir& data) {
    std::map<std::string, std::string> env = o.env;
    env.emplace("JWT_SECRET", o.jwt_secret);
    env.emplace("WEBHOOK_SECRET", o.webhook_secret);
    env.emplace("DEPLOY_DEBOUNCE_MS", "0");
    env.emplace("DATA_DIR", data.path.string());
    return env;
}

}  // namespace

two_app_agent::two_app_agent(two_app_options options)
    : app(options.prefix),
      data("da-" + options.prefix + "-data"),
      manifest(two_app_manifest(ghost, app.container, options)),
      process({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
              two_app_env(options, data)),
      port(process.port()),
      bearer("Bearer " + agent::issue_token(options.jwt_secret, "e2e", std::chrono::seconds(3600),
                                            std::chrono::system_clock::now())) {}

std::int64_t two_app_agent::deploy(const std::string& app_name) {
    auto r = http_request(port, "POST", "/api/apps/" + app_name + "/deploy",
                          {{"Authorization", bearer}});
    REQUIRE(r.status == 202);
    std::smatch m;
    REQUIRE(std::regex_search(r.body, m, std::regex(R"("id":(\d+))")));
    return std::stoll(m[1]);
}

std::string two_app_agent::state_of(std::int64_t id) {
    auto r = http_request(port, "GET", "/api/deployments/" + std::to_string(id),
                          {{"Authorization", bearer}});
    std::smatch m;
    return std::regex_search(r.body, m, std::regex(R"re("state":"([a-z_]+)")re")) ? m[1].str()
                                                                                  : "";
}

}  // namespace test
