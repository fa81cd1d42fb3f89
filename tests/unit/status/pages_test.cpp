// The status page's HTML: every value that comes from outside is escaped.
#include <catch2/catch.hpp>

#include "status/html.hpp"
#include "status/pages.hpp"

namespace pages_test {

using namespace agent;
using namespace agent::status;

namespace {

const std::string evil = "<script>alert(\"x\")</script>'&";
const std::string escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;";

deployment_record evil_deployment() {
    deployment_record d;
    d.id = 7;
    d.app = "web";
    d.trigger = evil;
    d.commit = evil;
    d.old_image = evil;
    d.new_image = evil;
    d.state = deployment_state::failed;
    d.error = evil;
    d.created_at_ms = 1700000000000;
    d.started_at_ms = 1700000001000;
    d.finished_at_ms = 1700000042000;
    return d;
}

void check_no_raw_script(const std::string& html) {
    INFO(html);
    CHECK(html.find("<script>alert") == std::string::npos);
    CHECK(html.find(escaped.substr(0, 30)) != std::string::npos);
}

}  // namespace

TEST_CASE("escape replaces the characters that matter in content and attributes", "[status]") {
    CHECK(escape(evil) == escaped);
    CHECK(escape("tab\tnewline\nbell\x07") == "tab\tnewline\nbell\xEF\xBF\xBD");
    // Bidi overrides and isolates, zero-width characters and C1 controls are shown as U+FFFD.
    CHECK(escape("a\xe2\x80\xae" "b\xe2\x81\xa6" "c\xe2\x80\x8b" "d\xc2\x9b" "e") ==
          "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d\xEF\xBF\xBD" "e");
}

TEST_CASE("the overview escapes app, image, state, deployment and refusal fields", "[status]") {
    app_view row;
    row.name = "web";
    row.container = evil;
    row.live.image = evil;
    row.live.state = evil;
    row.live.health = evil;
    row.last = evil_deployment();
    delivery_record refusal{evil, "github", evil, "refused", evil, 1700000000000};
    std::string html = overview_page(page_frame{"t", false, evil, "csrf-token"}, {row}, {refusal});
    check_no_raw_script(html);
    CHECK_THAT(html, Catch::Contains("name=\"csrf\" value=\"csrf-token\""));
    CHECK_THAT(html, Catch::Contains("action=\"/apps/web/deploy\""));
    CHECK_THAT(html, Catch::Contains("<time datetime=\"2023-11-14T22:13:20Z\">"));
}

TEST_CASE("a deployment page escapes its step log and refreshes only while running",
          "[status]") {
    auto d = evil_deployment();
    std::vector<step_record> steps{{1700000001000, evil}};
    std::vector<notification_attempt> attempts{
        notification_attempt{7, "web", evil, 1, "failed", 500, evil, 1700000043000}};
    std::string html = deployment_page(page_frame{"t", false, "", "c"}, d, steps, attempts);
    check_no_raw_script(html);
    CHECK_THAT(html, Catch::Contains("41 s"));
    CHECK(html.find("http-equiv=\"refresh\"") == std::string::npos);
    d.state = deployment_state::running;
    std::string live = deployment_page(page_frame{"t", true, "", "c"}, d, steps, {});
    CHECK_THAT(live, Catch::Contains("<meta http-equiv=\"refresh\" content=\"1\">"));
}

TEST_CASE("the login page never echoes a token, only the problem", "[status]") {
    std::string html = login_page(evil, true);
    check_no_raw_script(html);
    CHECK_THAT(html, Catch::Contains("type=\"password\""));
    CHECK_THAT(login_page("", false), Catch::Contains("JWT_SECRET"));
}

TEST_CASE("refusal codes read as one-line diagnoses", "[status]") {
    CHECK_THAT(refusal_diagnosis("github", "bad_signature"),
               Catch::StartsWith("github: signature does not match"));
    CHECK(refusal_diagnosis("infisical", "flood: 30 bad_signature") ==
          "infisical: flood: 30 bad_signature");
    CHECK(duration_text(1000, 3500) == "2.5 s");
    CHECK(duration_text(0, 3500).empty());
    CHECK(duration_text(0 + 1, 1 + 185000) == "3 min 5 s");
}

}  // namespace pages_test
