// Notification URLs, the bodies sent to each kind of receiver, and what is redacted.
#include <catch2/catch.hpp>

#include "notify/notice.hpp"
#include "manifest/notify_target.hpp"

namespace notify_target_test {

using namespace agent::notify;

namespace {

target parsed(const std::string& url) {
    std::string problem;
    auto t = parse_target(url, problem);
    INFO(url << ": " << problem);
    REQUIRE(t);
    return *t;
}

std::string refused(const std::string& url) {
    std::string problem;
    CHECK_FALSE(parse_target(url, problem));
    return problem;
}

notice failed_notice() {
    notice n;
    n.deployment = 12;
    n.app = "web";
    n.result = "failed";
    n.commit = "0123456789abcdef0123456789abcdef01234567";
    n.trigger = "github";
    n.duration_ms = 41200;
    n.reason = "the healthcheck reports \"unhealthy\"\nsecond line";
    n.link = "https://deploy.example.com/deployments/12";
    n.finished_at_ms = 1700000000000;
    return n;
}

}  // namespace

TEST_CASE("ntfy:// means https, except on loopback", "[notify]") {
    auto t = parsed("ntfy://ntfy.example.com/deploys");
    CHECK(t.kind == target_kind::ntfy);
    CHECK(t.tls);
    CHECK(t.port == "443");
    CHECK(t.path == "/deploys");
    auto local = parsed("ntfy://127.0.0.1:8089/deploys");
    CHECK_FALSE(local.tls);
    CHECK(local.port == "8089");
    CHECK(refused("ntfy://ntfy.sh/") == "names no ntfy topic (ntfy://HOST/TOPIC)");
}

TEST_CASE("https URLs of known services pick their format, others are the generic webhook",
          "[notify]") {
    CHECK(parsed("https://hooks.slack.com/services/T0/B0/XYZ").kind == target_kind::slack);
    CHECK(parsed("https://discord.com/api/webhooks/1/abc").kind == target_kind::discord);
    CHECK(parsed("https://ntfy.sh/my-topic").kind == target_kind::ntfy);
    CHECK(parsed("slack+https://chat.example.com/hooks/abc").kind == target_kind::slack);
    CHECK(parsed("ntfy+http://10.0.0.2:8080/ntfy/topic").kind == target_kind::ntfy);
    auto generic = parsed("http://[::1]:9999/hook?x=1");
    CHECK(generic.kind == target_kind::json);
    CHECK(generic.host == "::1");
    CHECK(generic.path == "/hook?x=1");
}

TEST_CASE("what a URL shows in logs leaves out its path, which may be the webhook's secret",
          "[notify]") {
    auto t = parsed("https://hooks.slack.com/services/T0/B0/SECRETPART");
    CHECK(t.shown == "slack https://hooks.slack.com");
    CHECK(t.shown.find("SECRETPART") == std::string::npos);
    CHECK(parsed("http://127.0.0.1:8080/x").shown == "json http://127.0.0.1:8080");
}

TEST_CASE("malformed notification URLs are refused with a reason", "[notify]") {
    CHECK_THAT(refused("ftp://example.com/x"), Catch::Contains("is not an http(s)://"));
    CHECK_THAT(refused("https://user:pw@example.com/x"), Catch::Contains("no user:password@"));
    CHECK_THAT(refused("https://exa mple.com/x"), Catch::Contains("plain host"));
    CHECK_THAT(refused("http://example.com/a b"), Catch::Contains("plain host"));
    CHECK_THAT(refused("http://example.com:99999/"), Catch::Contains("plain host"));
}

TEST_CASE("outcome filters: failures and recovered by default, succeeded opt-in", "[notify]") {
    outcome_filter defaults;
    CHECK(defaults.wants("failed"));
    CHECK(defaults.wants("rolled_back"));
    CHECK(defaults.wants("recovered"));
    CHECK_FALSE(defaults.wants("succeeded"));
    CHECK_FALSE(defaults.wants("superseded"));
    std::string problem;
    auto only = parse_outcomes({"succeeded"}, problem);
    REQUIRE(only);
    CHECK(only->wants("succeeded"));
    CHECK_FALSE(only->wants("failed"));
    CHECK_FALSE(parse_outcomes({"exploded"}, problem));
    CHECK_THAT(problem, Catch::Contains("'exploded' is not an outcome"));
    CHECK(split_list(" a, ,b ,") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("the generic webhook gets the documented JSON body", "[notify]") {
    auto out = render(parsed("http://127.0.0.1:1/h"), failed_notice());
    CHECK(out.content_type == "application/json");
    CHECK_THAT(out.body, Catch::StartsWith(
                             R"({"event":"deployment.finished","app":"web","deployment":12,)"
                             R"("result":"failed","commit":"0123456789abcdef0123456789abcdef01234567",)"
                             R"("trigger":"github","duration_ms":41200,)"
                             R"("reason":"the healthcheck reports \"unhealthy\"\nsecond line",)"
                             R"("url":"https://deploy.example.com/deployments/12",)"
                             R"("finished_at_ms":1700000000000,"text":"web: deployment 12 failed)"));
}

TEST_CASE("ntfy gets a text body and one-line headers", "[notify]") {
    auto n = failed_notice();
    n.app = "web\r\nX-Injected: 1";
    auto out = render(parsed("ntfy://127.0.0.1/t"), n);
    CHECK_THAT(out.body, Catch::Contains("deployment 12 failed (commit 0123456789ab, 41 s, by github)"));
    CHECK_THAT(out.body, Catch::EndsWith("\nhttps://deploy.example.com/deployments/12"));
    for (const auto& [name, value] : out.headers) {
        INFO(name << ": " << value);
        CHECK(value.find('\r') == std::string::npos);
        CHECK(value.find('\n') == std::string::npos);
    }
    CHECK(std::count(out.headers.begin(), out.headers.end(),
                     std::pair<std::string, std::string>{"Priority", "high"}) == 1);
}

TEST_CASE("Slack and Discord get their one-field JSON", "[notify]") {
    auto slack = render(parsed("https://hooks.slack.com/services/a"), failed_notice());
    CHECK_THAT(slack.body, Catch::StartsWith(R"({"text":"web: deployment 12 failed)"));
    CHECK_THAT(slack.body, Catch::Contains("<https://deploy.example.com/deployments/12|details>"));
    auto discord = render(parsed("https://discord.com/api/webhooks/1/x"), failed_notice());
    CHECK_THAT(discord.body, Catch::StartsWith(R"({"content":"web: deployment 12 failed)"));
}

TEST_CASE("secret values are redacted wherever they appear", "[notify]") {
    CHECK(redact("token abcdef123 and abcdef123", {"abcdef123"}) ==
          "token [redacted] and [redacted]");
    CHECK(redact("short abc stays", {"abc"}) == "short abc stays");
    CHECK(redact("nothing", {}) == "nothing");
}

}  // namespace notify_target_test
