// The one mapping from outcomes to HTTP statuses, and the webhook answers built on it.
#include <catch2/catch.hpp>

#include "http/answer.hpp"
#include "webhooks/webhook_answers.hpp"

namespace answer_test {

using namespace agent;

TEST_CASE("status_of maps every outcome", "[http]") {
    CHECK(status_of(outcome::done) == 200);
    CHECK(status_of(outcome::queued) == 202);
    CHECK(status_of(outcome::malformed) == 400);
    CHECK(status_of(outcome::unauthenticated) == 401);
    CHECK(status_of(outcome::not_found) == 404);
    CHECK(status_of(outcome::wrong_method) == 405);
    CHECK(status_of(outcome::failed) == 500);
    CHECK(status_of(outcome::unavailable) == 503);
}

TEST_CASE("error and method answers", "[http]") {
    const auto e = error_answer(outcome::unauthenticated, "invalid signature");
    CHECK(e.status == 401);
    CHECK(e.body == R"({"success":false,"error":"invalid signature"})");
    const auto m = method_not_allowed("GET, HEAD");
    CHECK(m.status == 405);
    REQUIRE(m.headers.size() == 1);
    CHECK(m.headers[0] == std::pair<std::string, std::string>{"Allow", "GET, HEAD"});
}

TEST_CASE("GitHub answers: refused, ping, duplicate, queued", "[http]") {
    github_verdict refused;
    refused.what = github_verdict::kind::refused;
    refused.result = outcome::unavailable;
    refused.reason = "not configured";
    CHECK(github_answer(refused).status == 503);
    CHECK(github_answer(refused).body == R"({"success":false,"error":"not configured"})");

    github_verdict ping;
    ping.what = github_verdict::kind::ping;
    ping.result = outcome::done;
    ping.reason = "pong: hook 7";
    ping.event = "ping";
    ping.delivery_id = "d-1";
    CHECK(github_answer(ping).body ==
          R"({"success":true,"message":"pong: hook 7","event":"ping","delivery":"d-1"})");

    const auto dup = github_message("duplicate: push a..b to refs/heads/main was already accepted",
                                    "push", "d-2");
    CHECK(dup.status == 200);
    CHECK(dup.body ==
          R"({"success":true,"message":"duplicate: push a..b to refs/heads/main was already accepted","event":"push","delivery":"d-2"})");

    const auto queued = github_queued({planned_job{"web", "deploy", "github", "c", "d", false}}, {42});
    CHECK(queued.status == 202);
    CHECK(queued.body ==
          R"({"success":true,"message":"deploys queued","deployments":[{"id":42,"app":"web"}]})");
}

TEST_CASE("Infisical actions", "[http]") {
    for (auto [action, text] : {std::pair{infisical_action::cache_cleared, "cache_cleared"},
                                {infisical_action::redeploy_queued, "redeploy_queued"},
                                {infisical_action::nothing_cached, "nothing_cached"},
                                {infisical_action::duplicate, "duplicate"},
                                {infisical_action::ignored, "ignored"}}) {
        CHECK(to_string(action) == text);
    }
}

}  // namespace answer_test
