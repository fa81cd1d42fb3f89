// The in-flight body budget under attack (issue #19, lock-out by reservation): bodies declared
// and never sent hold nothing; bodies sent and stalled from other addresses are dropped to make
// room for a signed delivery. Client addresses are told apart by CF-Connecting-IP from a
// trusted proxy (the test's loopback address).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "e2e/attack_support.hpp"
#include "support/eventually.hpp"
#include "support/signed_push.hpp"

namespace attack_budget_test {

using namespace std::chrono_literals;

namespace {

const std::string big_head_from(const std::string& address) {
    return "POST /webhook HTTP/1.1\r\nHost: x\r\nCF-Connecting-IP: " + address +
           "\r\nContent-Length: 26214400\r\n\r\n";
}

// A signed push from `address`, by a trusted proxy: its status.
unsigned signed_push_from(unsigned short port, const std::string& address, int n) {
    const std::string body = test::push_payload("octo/web", "main", std::string(40, 'a'),
                                                std::string(40, 'b'));
    auto headers = test::signed_push_headers(body, "attack-secret", "lockout-" + std::to_string(n));
    headers.emplace_back("CF-Connecting-IP", address);
    return test::http_request(port, "POST", "/webhooks/github", headers, body).status;
}

}  // namespace

TEST_CASE("attack: bodies declared or stalled by two addresses never make a signed push from "
          "a third get 503",
          "[e2e][attack]") {
    attack::target agent({{"TRUSTED_PROXIES", "127.0.0.1/32"},
                          {"MAX_INFLIGHT_BODY_BYTES", "26214400"}});
    const auto port = agent.port();
    attack::prober probe(port);
    std::vector<std::unique_ptr<test::raw_connection>> holders;

    SECTION("heads declaring 25 MiB, no body byte") {
        for (int i = 0; i < 8; ++i) {
            holders.push_back(std::make_unique<test::raw_connection>(port));
            holders.back()->send_text(big_head_from("198.51.100." + std::to_string(1 + i % 2)));
        }
    }
    SECTION("12 MiB sent by each address, then stalled") {
        const std::string part(1 << 20, ' ');
        for (int i = 0; i < 2; ++i) {
            holders.push_back(std::make_unique<test::raw_connection>(port));
            holders.back()->send_text(big_head_from("198.51.100." + std::to_string(1 + i)));
            for (int k = 0; k < 12; ++k) {
                holders.back()->send_text(part);
            }
        }
    }
    std::this_thread::sleep_for(200ms);
    int refused = 0;
    for (int i = 0; i < 10; ++i) {
        const unsigned status = signed_push_from(port, "203.0.113.7", i);
        INFO(status);
        CHECK(status < 300);
        refused += status == 503 ? 1 : 0;
    }
    CHECK(refused == 0);
    holders.clear();
    probe.stop();
    INFO(agent.process.log().substr(0, 20000));
    CHECK(agent.process.running());
    CHECK(probe.answered() == probe.asked());
    attack::check_peak_rss(agent);
}

TEST_CASE("attack: an address whose bodies fill the in-flight budget gets 503 for one more, the "
          "budget is free again once they are gone",
          "[e2e][attack]") {
    attack::target agent(std::map<std::string, std::string>{{"MAX_INFLIGHT_BODY_BYTES", "26214400"}});
    const auto port = agent.port();
    std::vector<std::unique_ptr<test::raw_connection>> big;
    const std::string part(1 << 20, ' ');
    for (int i = 0; i < 2; ++i) {
        big.push_back(std::make_unique<test::raw_connection>(port));
        big.back()->send_text("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 26214000\r\n\r\n");
        for (int k = 0; k < 12; ++k) {
            big.back()->send_text(part);
        }
    }
    std::this_thread::sleep_for(200ms);
    test::raw_connection third(port);
    third.send_text("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 26214000\r\n\r\n");
    third.send_text(part);
    third.send_text(part);
    std::string got;
    CHECK(third.read_until_closed(got, 5s));
    CHECK_THAT(got, Catch::StartsWith("HTTP/1.1 503"));
    CHECK_THAT(got, Catch::Contains("too many request bodies in flight"));
    // Small requests still go through.
    CHECK(test::http_request(port, "POST", "/webhooks/infisical/test", {}, "{}").status == 200);
    big.clear();
    // Once they are gone, the budget is free again: a big body is read, not refused.
    CHECK(test::eventually(
        [&] {
            test::raw_connection c(port);
            c.send_text("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 26214000\r\n\r\n");
            c.send_text(part);
            return !c.readable(300ms);
        },
        5s));
    INFO(agent.process.log().substr(0, 20000));
    CHECK(agent.process.running());
    attack::check_peak_rss(agent);
}

}  // namespace attack_budget_test
