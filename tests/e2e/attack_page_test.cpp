// The status page against forged forms (issue #19): a state-changing POST whose Origin is not
// the page's own is refused, whatever else it carries; without an Origin the CSRF token (and,
// for /login, the bearer token) decides as before.
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "api/bearer_token.hpp"
#include "e2e/attack_support.hpp"

namespace attack_page_test {

namespace {

const std::string jwt = std::string(40, 'j');

test::http_result login_from(unsigned short port, const std::string* origin) {
    std::vector<std::pair<std::string, std::string>> h{
        {"Content-Type", "application/x-www-form-urlencoded"}};
    if (origin != nullptr) {
        h.emplace_back("Origin", *origin);
    }
    const std::string token = agent::issue_token(jwt, "ops", std::chrono::seconds(600),
                                                 std::chrono::system_clock::now());
    return test::http_request(port, "POST", "/login", h, "token=" + token);
}

}  // namespace

TEST_CASE("attack: status page POSTs from another origin are refused, same-origin and "
          "origin-less ones are not",
          "[e2e][attack]") {
    attack::target agent({{"STATUS_PAGE", "true"}, {"JWT_SECRET", jwt}});
    const auto port = agent.port();
    for (const std::string evil : {"https://evil.example", "null", "http://127.0.0.1.evil.example"}) {
        auto r = login_from(port, &evil);
        INFO(evil << ": " << r.body);
        CHECK(r.status == 403);
        CHECK_THAT(r.body, Catch::Contains("another origin"));
    }
    const std::string own = "http://127.0.0.1";  // the client's Host
    CHECK(login_from(port, &own).status == 303);
    CHECK(login_from(port, nullptr).status == 303);
    CHECK_THAT(agent.process.log(), Catch::Contains("form sent from another origin"));
}

}  // namespace attack_page_test
