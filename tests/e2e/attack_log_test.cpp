// Log lines a client can cause (issue #19, budgets that add up): one client causing every kind
// of line it can (the Infisical test endpoint, refused /api tokens, refused status page logins,
// 404s, framing errors) gets at most 10 lines a second logged in full, all kinds together,
// and the held-back ones are summed up on time, without another request to trigger it.
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "e2e/attack_support.hpp"
#include "support/eventually.hpp"

namespace attack_log_test {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

// Lines about one request of the client (its address first): "… warning 127.0.0.1 GET …".
std::size_t client_lines(const std::string& log) {
    return count_of(log, "Z info  127.0.0.1 ") + count_of(log, "Z warning 127.0.0.1 ") +
           count_of(log, "Z error 127.0.0.1 ");
}

}  // namespace

TEST_CASE("attack: one client causing five kinds of logged lines gets at most 10 a second in "
          "full, and their summary on time",
          "[e2e][attack]") {
    attack::target agent({{"STATUS_PAGE", "true"}, {"JWT_SECRET", std::string(40, 'j')}});
    const auto port = agent.port();
    const std::size_t lines_before = agent.log_lines();
    const auto start = steady::now();
    unsigned sent = 0;
    while (steady::now() - start < 600ms) {
        INFO(agent.process.log().substr(0, 5000));
        CHECK(test::http_request(port, "POST", "/webhooks/infisical/test", {}, "{}").status == 200);
        CHECK(test::http_request(port, "GET", "/api/apps", {{"Authorization", "Bearer nope"}})
                  .status == 401);
        CHECK(test::http_request(port, "POST", "/login",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}},
                                 "token=nope")
                  .status == 401);
        CHECK(test::http_request(port, "GET", "/no-such-page").status == 404);
        attack::answer_to(port, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                                "Content-Length: 2\r\n\r\n");
        sent += 5;
    }
    const double seconds = std::chrono::duration<double>(steady::now() - start).count();
    const std::string log_during = agent.process.log();
    // The summary of the last second comes without another request.
    CHECK(test::eventually(
        [&] {
            const std::string log = agent.process.log();
            return log.size() > log_during.size() &&
                   log.find("not logged one by one", log_during.size() - 200) != std::string::npos;
        },
        3s));
    const std::string log = agent.process.log();
    const std::size_t in_full = client_lines(log);
    const std::size_t summaries = count_of(log, "not logged one by one");
    INFO(sent << " requests in " << seconds << " s; " << in_full << " lines in full, "
              << summaries << " summaries, " << agent.log_lines() - lines_before
              << " lines in all\n"
              << log.substr(0, 20000));
    CHECK(sent > 100);
    // Within one second: 10 lines in full, then one summary for every kind together.
    CHECK(in_full <= 10);
    CHECK(summaries == 1);
    CHECK(agent.process.running());
}

}  // namespace attack_log_test
