// Work before the signature (issue #19): unverified 25 MB bodies shaped to inflate a parser
// (unclosed '[', one endless string, nested objects) cost a scan, a hash and nothing more;
// /healthz stays quick while three clients send them.
#include <algorithm>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "e2e/attack_support.hpp"

namespace attack_presignature_test {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

std::string shaped_body(int shape) {
    constexpr std::size_t size = 25'000'000;
    switch (shape) {
        case 0: return R"({"commits":)" + std::string(size, '[');
        case 1: return R"({"commits":")" + std::string(size, 'x');
        default: {
            std::string nested = "{";
            while (nested.size() < size) {
                nested += R"("a":{)";
            }
            return nested;
        }
    }
}

// Sends the body with a signature that does not match; the status.
unsigned send_unverified(unsigned short port, const std::string& body) {
    return test::http_request(port, "POST", "/webhooks/github",
                              {{"Content-Type", "application/json"},
                               {"X-GitHub-Event", "push"},
                               {"X-GitHub-Delivery", "unverified"},
                               {"X-Hub-Signature-256", "sha256=" + std::string(64, '0')}},
                              body)
        .status;
}

}  // namespace

TEST_CASE("attack: unverified 25 MB bodies of any shape cost a scan and a hash, /healthz stays "
          "quick",
          "[e2e][attack]") {
    attack::target agent;
    const auto port = agent.port();
    std::vector<std::string> bodies;
    for (int shape = 0; shape < 3; ++shape) {
        bodies.push_back(shaped_body(shape));
    }
    std::vector<std::future<std::vector<unsigned>>> clients;
    for (int c = 0; c < 3; ++c) {
        clients.push_back(std::async(std::launch::async, [&, c] {
            std::vector<unsigned> statuses;
            statuses.push_back(send_unverified(port, bodies[static_cast<std::size_t>(c)]));
            return statuses;
        }));
    }
    std::vector<double> healthz_ms;
    while (std::any_of(clients.begin(), clients.end(),
                       [](auto& f) { return f.wait_for(0ms) != std::future_status::ready; })) {
        const auto start = steady::now();
        CHECK(test::http_request(port, "GET", "/healthz").status == 200);
        healthz_ms.push_back(std::chrono::duration<double, std::milli>(steady::now() - start).count());
        std::this_thread::sleep_for(20ms);
    }
    for (auto& f : clients) {
        for (const unsigned status : f.get()) {
            // Refused for its signature, or for the in-flight budget (two bodies of 25 MB fill it).
            CHECK((status == 401 || status == 503));
        }
    }
    std::sort(healthz_ms.begin(), healthz_ms.end());
    REQUIRE_FALSE(healthz_ms.empty());
    const double median = healthz_ms[healthz_ms.size() / 2];
    const double worst = healthz_ms.back();
    WARN("/healthz during the attack: " << healthz_ms.size() << " answers, median " << median
                                        << " ms, worst " << worst << " ms; peak RSS "
                                        << agent.peak_rss_kb() << " kB");
    CHECK(median < 50);
    CHECK(agent.process.running());
    attack::check_peak_rss(agent);
}

}  // namespace attack_presignature_test
