// Slow readers (issue #19): connections from one address that pipeline hundreds of requests and
// never read the answers, reopened as they are dropped, more of them than MAX_CONNECTIONS. The
// address holds at most MAX_CONNECTIONS_PER_CLIENT (its stalled ones evicted first), a write
// that makes no progress ends its connection, and /healthz from another address stays answered.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "e2e/attack_support.hpp"

namespace attack_slow_reader_test {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

// A connection to the agent from another loopback address (127.0.0.2): another client.
struct reader_from_elsewhere {
    int fd = -1;
    reader_from_elsewhere(unsigned short port, const std::string& request) {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_in from{};
        from.sin_family = AF_INET;
        ::inet_pton(AF_INET, "127.0.0.2", &from.sin_addr);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
            (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        }
    }
    ~reader_from_elsewhere() { ::close(fd); }
    reader_from_elsewhere(const reader_from_elsewhere&) = delete;
    reader_from_elsewhere& operator=(const reader_from_elsewhere&) = delete;
};

}  // namespace

TEST_CASE("attack: connections that pipeline /metrics and never read leave /healthz answered",
          "[e2e][attack]") {
    // The caps scaled down (512 and 64 by default) to keep the test short.
    attack::target agent({{"MAX_CONNECTIONS", "64"},
                          {"MAX_CONNECTIONS_PER_CLIENT", "32"},
                          {"WRITE_STALL_TIMEOUT_MS", "500"}});
    const auto port = agent.port();
    std::string pipelined;
    for (int i = 0; i < 400; ++i) {
        pipelined += "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    }
    attack::prober probe(port);
    std::deque<std::unique_ptr<reader_from_elsewhere>> readers;
    const auto start = steady::now();
    while (steady::now() - start < 1200ms) {
        // 100 open at a time (over the cap of 64), the oldest replaced every 50 ms.
        for (int i = 0; i < 5 || readers.size() < 100; ++i) {
            if (readers.size() >= 100) {
                readers.pop_front();
            }
            readers.push_back(std::make_unique<reader_from_elsewhere>(port, pipelined));
        }
        std::this_thread::sleep_for(50ms);
    }
    probe.stop();
    readers.clear();
    INFO(agent.process.log().substr(0, 20000));
    INFO(probe.answered() << " of " << probe.asked() << " /healthz probes answered");
    const std::string log = agent.process.log();
    CHECK(log.find("127.0.0.2 connection refused") != std::string::npos);  // the cap held
    CHECK(agent.process.running());
    CHECK(probe.answered() * 10 >= probe.asked() * 8);
    attack::check_peak_rss(agent);
}

}  // namespace attack_slow_reader_test
