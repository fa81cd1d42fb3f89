// The API's key at start-up, through the built binary: a JWT_SECRET that is short or shared with
// a webhook secret stops `serve` with the reason; `token` refuses the same and lifetimes beyond
// TOKEN_MAX_TTL.
#include <filesystem>

#include <catch2/catch.hpp>

#include "support/agent_process.hpp"
#include "support/fixtures.hpp"

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
