// NOTIFY_URLS, NOTIFY_ON, PUBLIC_URL and the retry settings from the environment.
#include <algorithm>
#include <map>

#include <catch2/catch.hpp>

#include "notify/notifier.hpp"
#include "support/fixtures.hpp"
#include "support/test_pki.hpp"

namespace notifier_settings_test {

namespace {

using vars = std::map<std::string, std::string, std::less<>>;

}  // namespace

TEST_CASE("notification settings are read from the environment", "[notify]") {
    test::temp_dir dir;
    const std::string ca_file = (dir.path / "notify-ca.pem").string();
    test::write_text_file(ca_file, "-----BEGIN CERTIFICATE-----\n");
    const agent::environment env(vars{{"NOTIFY_URLS", "ntfy://ntfy.sh/a, http://127.0.0.1:9/h"},
                    {"NOTIFY_ON", "failed,succeeded"},
                    {"PUBLIC_URL", "https://deploy.example.com//"},
                    {"NOTIFY_ATTEMPTS", "3"},
                    {"NOTIFY_CA_FILE", ca_file},
                    {"DA_TEST_NOTIFY_SECRET", "a-secret-worth-hiding"}});
    auto o = agent::notify::notifier_options_from_environment(env);
    REQUIRE(o.targets.size() == 2);
    CHECK(o.targets[0].kind == agent::notify::target_kind::ntfy);
    CHECK(o.on.succeeded);
    CHECK_FALSE(o.on.rolled_back);
    CHECK(o.public_url == "https://deploy.example.com");
    CHECK(o.attempts == 3);
    CHECK(o.ca_file == ca_file);  // its PEM is parsed at the first https notification
    CHECK(std::find(o.secrets.begin(), o.secrets.end(), "a-secret-worth-hiding") != o.secrets.end());
}

TEST_CASE("a bad notification setting stops the start, without echoing a webhook's path",
          "[notify]") {
    {
        const agent::environment env(
            vars{{"NOTIFY_URLS", "https://user:hunter2@hooks.example.com/T0/SECRET"}});
        try {
            agent::notify::notifier_options_from_environment(env);
            FAIL("no error");
        } catch (const std::invalid_argument& e) {
            CHECK_THAT(e.what(), Catch::StartsWith("NOTIFY_URLS: an entry starting 'https://'"));
            CHECK(std::string(e.what()).find("SECRET") == std::string::npos);
            CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
        }
    }
    {
        const agent::environment env(vars{{"NOTIFY_ON", "failed,exploded"}});
        CHECK_THROWS_WITH(agent::notify::notifier_options_from_environment(env),
                          Catch::Contains("NOTIFY_ON: 'exploded' is not an outcome"));
    }
    {
        const agent::environment env(vars{{"NOTIFY_CA_FILE", "/nonexistent/notify-ca.pem"}});
        CHECK_THROWS_WITH(agent::notify::notifier_options_from_environment(env),
                          "NOTIFY_CA_FILE: '/nonexistent/notify-ca.pem' cannot be read");
    }
    {
        const agent::environment env(vars{{"NOTIFY_RETRY_MS", "5"}});
        CHECK_THROWS_WITH(agent::notify::notifier_options_from_environment(env),
                          Catch::StartsWith("NOTIFY_RETRY_MS: '5' is not a whole number"));
    }
}

}  // namespace notifier_settings_test
