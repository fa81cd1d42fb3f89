// The front door against floods (issue "The front door holds"): idle connections reopened as
// they close, a sender streaming a body flat out forever, bodies that together would fill
// memory. The agent stays up and answers /healthz, memory and log stay bounded.
#include <sys/resource.h>

#include <chrono>
#include <future>
#include <memory>
#include <vector>

#include <catch2/catch.hpp>

#include "e2e/attack_support.hpp"
#include "support/eventually.hpp"

namespace attack_flood_test {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

void raise_open_files(rlim_t wanted) {
    rlimit l{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &l) == 0);
    if (l.rlim_cur < wanted) {
        l.rlim_cur = std::min(wanted, l.rlim_max);
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &l) == 0);
    }
    REQUIRE(l.rlim_cur >= wanted);
}

// Streams 1-byte chunks as fast as the agent takes them until it closes the connection or
// `limit` passes; returns how long the agent let it stream.
std::chrono::milliseconds stream_forever(unsigned short port, std::chrono::seconds limit) {
    test::raw_connection c(port);
    const auto start = steady::now();
    c.send_text("POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    std::string chunks;
    for (int i = 0; i < 10000; ++i) {
        chunks += "1\r\nx\r\n";
    }
    while (steady::now() - start < limit && c.send_text(chunks)) {
        if (c.readable(0ms)) {
            std::string got;
            c.read_until_closed(got, 2s);
            break;
        }
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
}

}  // namespace

TEST_CASE("attack: 540 idle connections reopened as they close leave /healthz answered",
          "[e2e][attack]") {
    raise_open_files(2048);
    attack::target agent;
    const auto port = agent.port();
    const std::size_t lines_before = agent.log_lines();
    attack::prober probe(port);
    std::vector<std::unique_ptr<test::raw_connection>> idle;
    const auto start = steady::now();
    while (steady::now() - start < 8s) {
        // Replace the connections the agent closed (first-byte deadline, eviction).
        for (auto& c : idle) {
            if (c->readable(0ms)) {
                c = std::make_unique<test::raw_connection>(port);
            }
        }
        while (idle.size() < 540) {
            idle.push_back(std::make_unique<test::raw_connection>(port));
        }
        std::this_thread::sleep_for(100ms);
    }
    probe.stop();
    idle.clear();
    INFO(agent.process.log().substr(0, 20000));
    CHECK(agent.process.running());
    CHECK(probe.asked() >= 20);
    CHECK(probe.answered() == probe.asked());
    attack::check_peak_rss(agent);
    CHECK(agent.log_lines() - lines_before < 100);
}

TEST_CASE(
    "attack: a body streamed flat out forever is cut",
    "[e2e][attack]") {
    attack::target agent;
    const auto port = agent.port();
    attack::prober probe(port);
    const std::size_t lines_before = agent.log_lines();

    {
        CHECK(stream_forever(port, 40s) < 30s);  // the body limit or READ deadline (20 s)
        std::vector<std::future<std::chrono::milliseconds>> senders;
        for (int i = 0; i < 4; ++i) {
            senders.push_back(std::async(std::launch::async, stream_forever, port, 40s));
        }
        for (auto& s : senders) {
            CHECK(s.get() < 30s);
        }
    }
    probe.stop();
    INFO(agent.process.log().substr(0, 20000));
    CHECK(agent.process.running());
    CHECK(probe.answered() == probe.asked());
    attack::check_peak_rss(agent);
    CHECK(agent.log_lines() - lines_before < 60);
}

}  // namespace attack_flood_test
