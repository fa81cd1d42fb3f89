// The API's key at start-up, through the built binary: a JWT_SECRET that is short or shared with
// a webhook secret stops `serve` with the reason; `token` refuses the same and lifetimes beyond
// TOKEN_MAX_TTL.
#include <chrono>
#include <filesystem>

#include <catch2/catch.hpp>

#include "api/bearer_token.hpp"
#include "support/agent_process.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"

namespace api_secret_test {

namespace {

const std::string manifest_text =
    "version: 1\napps:\n  web:\n    container: da-api-secret-test\n    strategy: restart\n"
    "    triggers:\n      github:\n        repository: octo/web\n        branches: [main]\n"
    "        secret_env: WEB_SECRET\n";

std::pair<int, std::string> serve_with(std::map<std::string, std::string> env) {
    const test::temp_dir data("da-api-secret");
    env.emplace("DATA_DIR", data.path.string());
    return test::run_agent_command(
        {"serve", "--manifest", test::write_temp_file("manifest.yaml", manifest_text), "--listen",
         "127.0.0.1:0"},
        env);
}

}  // namespace

TEST_CASE("serve refuses to start with a short JWT_SECRET or one shared with a webhook",
          "[e2e][api]") {
    auto [short_code, short_output] = serve_with({{"JWT_SECRET", "too-short"}});
    INFO(short_output);
    CHECK(short_code != 0);
    CHECK_THAT(short_output, Catch::Contains("JWT_SECRET is 9 bytes; it must be at least 32"));
    CHECK_THAT(short_output, !Catch::Contains("listening on"));

    const std::string shared(40, 'x');
    auto [webhook_code, webhook_output] =
        serve_with({{"JWT_SECRET", shared}, {"WEBHOOK_SECRET", shared}});
    INFO(webhook_output);
    CHECK(webhook_code != 0);
    CHECK_THAT(webhook_output, Catch::Contains("JWT_SECRET is the same as WEBHOOK_SECRET"));
    CHECK_THAT(webhook_output, !Catch::Contains(shared));

    // An app's own secret_env counts too.
    auto [app_code, app_output] = serve_with({{"JWT_SECRET", shared}, {"WEB_SECRET", shared}});
    CHECK(app_code != 0);
    CHECK_THAT(app_output, Catch::Contains("JWT_SECRET is the same as WEB_SECRET"));

    auto [ttl_code, ttl_output] =
        serve_with({{"JWT_SECRET", std::string(32, 'k')}, {"TOKEN_MAX_TTL", "a while"}});
    CHECK(ttl_code != 0);
    CHECK_THAT(ttl_output, Catch::Contains("TOKEN_MAX_TTL"));
}

TEST_CASE("deploy-agent token: key rules and TOKEN_MAX_TTL", "[e2e][api]") {
    const std::string key(32, 'k');
    CHECK(test::run_agent_command({"token"}, {{"JWT_SECRET", "short"}}).first != 0);
    CHECK(test::run_agent_command({"token", "--ttl", "30d"}, {{"JWT_SECRET", key}}).first == 0);
    auto [long_code, long_output] =
        test::run_agent_command({"token", "--ttl", "31d"}, {{"JWT_SECRET", key}});
    CHECK(long_code != 0);
    CHECK_THAT(long_output, Catch::Contains("TOKEN_MAX_TTL"));
    CHECK(test::run_agent_command({"token", "--ttl", "2h"},
                                  {{"JWT_SECRET", key}, {"TOKEN_MAX_TTL", "1h"}})
              .first != 0);
}

TEST_CASE("a token's sub cannot forge a log line", "[e2e][api]") {
    const std::string key(32, 'k');
    const test::temp_dir data("da-api-sub");
    test::agent_process agent(
        {"serve", "--manifest", test::write_temp_file("manifest.yaml", manifest_text), "--listen",
         "127.0.0.1:0"},
        {{"JWT_SECRET", key}, {"DATA_DIR", data.path.string()}});
    const auto port = agent.port();
    const std::string sub = "ada\n2026-01-01T00:00:00.000Z INFO  FORGED-LINE";
    const auto now = std::chrono::system_clock::now();
    const std::vector<std::pair<std::string, std::string>> auth = {
        {"Authorization", "Bearer " + agent::issue_token(key, sub, std::chrono::seconds{60}, now)}};
    CHECK(test::http_request(port, "GET", "/api/nothing-here", auth).status == 404);
    // An expired one is logged with its sub as well.
    const std::vector<std::pair<std::string, std::string>> old = {
        {"Authorization",
         "Bearer " + agent::issue_token(key, sub, std::chrono::seconds{60},
                                        now - std::chrono::hours{1})}};
    CHECK(test::http_request(port, "GET", "/api/apps", old).status == 401);
    REQUIRE(agent.wait_for_log("FORGED-LINE", std::chrono::seconds(5)));
    const std::string log = agent.log();
    INFO(log);
    CHECK(log.find("\nFORGED-LINE") == std::string::npos);
    CHECK(log.find("\n2026-01-01T00:00:00.000Z INFO  FORGED") == std::string::npos);
    CHECK(log.find("ada\\x0a2026-01-01T00:00:00.000Z INFO  FORGED-LINE") != std::string::npos);
}

}  // namespace api_secret_test
