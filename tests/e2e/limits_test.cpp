// The HTTP server's limits against the built binary on loopback: body and header caps, slow
// clients, many idle connections and MAX_CONNECTIONS, malformed JSON, wrong methods, trusted
// proxies and per-endpoint source allow-lists. Time bounds here are generous sanity checks;
// what is asserted is the outcome (answered, refused, dropped), never a speed.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <regex>
#include <thread>

#include <catch2/catch.hpp>

#include "intake/signature.hpp"
#include "support/agent_process.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"

namespace limits_test {

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

const std::string secret = "limits-secret";
const std::string manifest_text =
    "version: 1\napps:\n  web:\n    image: busybox:latest\n    strategy: restart\n"
    "    triggers:\n      github:\n        repository: octo/web\n        branches: [release]\n";

using env_map = std::map<std::string, std::string>;

struct limits_agent {
    test::agent_process process;
    explicit limits_agent(std::map<std::string, std::string> env)
        : process({"serve", "--manifest", test::write_temp_file("manifest.yaml", manifest_text),
                   "--listen", "127.0.0.1:0"},
                  with_defaults(std::move(env))) {}
    static std::map<std::string, std::string> with_defaults(
        std::map<std::string, std::string> env) {
        env.emplace("WEBHOOK_SECRET", secret);
        env.emplace("LOG_LEVEL", "debug");
        env.emplace(
            "DATA_DIR",
            std::filesystem::path(test::write_temp_file("data/.keep", "")).parent_path().string());
        return env;
    }
    unsigned short port() { return process.port(); }
};

using test::raw_connection;

std::vector<std::pair<std::string, std::string>> signed_headers(const std::string& body) {
    return {{"Content-Type", "application/json"},
            {"X-GitHub-Event", "push"},
            {"X-GitHub-Delivery", "limits-1"},
            {"X-Hub-Signature-256", "sha256=" + agent::hmac_sha256_hex(secret, body)}};
}

// Sends `prefix` at once, then one byte of `trickle` per second until the server closes the
// connection; returns how long that took, or nullopt when it stayed open for `limit`.
std::optional<std::chrono::milliseconds> trickle_until_closed(unsigned short port,
                                                              std::string prefix,
                                                              std::string trickle,
                                                              std::chrono::seconds limit) {
    raw_connection c(port);
    const auto start = steady::now();
    if (!prefix.empty() && !c.send_text(prefix)) {
        return std::chrono::milliseconds(0);
    }
    for (std::size_t i = 0; steady::now() - start < limit; ++i) {
        if (c.readable(1000ms)) {
            char b[512];
            if (::recv(c.fd, b, sizeof b, 0) <= 0) {
                return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
            }
        }
        if (!c.send_text(std::string_view(trickle).substr(i % trickle.size(), 1))) {
            return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
        }
    }
    return std::nullopt;
}

void raise_open_files(rlim_t wanted) {
    rlimit l{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &l) == 0);
    if (l.rlim_cur < wanted) {
        l.rlim_cur = std::min(wanted, l.rlim_max);
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &l) == 0);
    }
    REQUIRE(l.rlim_cur >= wanted);
}

}  // namespace

TEST_CASE("a body over GitHub's 25 MB cap gets 413, one byte under is not refused for size",
          "[e2e][limits]") {
    limits_agent agent(env_map{});
    const auto port = agent.port();
    const std::string big(26u * 1024 * 1024, 'x');
    auto res = test::http_request(port, "POST", "/webhook", signed_headers(big), big);
    INFO(agent.process.log());
    CHECK(res.status == 413);
    CHECK_THAT(res.body, Catch::Contains("payload too large"));

    const std::string over(25u * 1024 * 1024 + 1, ' ');
    CHECK(test::http_request(port, "POST", "/webhook", signed_headers(over), over).status == 413);
    const std::string at_cap(25u * 1024 * 1024 - 1, ' ');
    auto under = test::http_request(port, "POST", "/webhook", signed_headers(at_cap), at_cap);
    CHECK(under.status == 400);  // read, verified and parsed: all spaces is not JSON
    CHECK_THAT(under.body, Catch::Contains("offset"));
    CHECK(agent.process.wait_for_log("413 refused: Content-Length 27262976", 5s));
}

TEST_CASE("oversize headers, malformed JSON and wrong methods get precise answers",
          "[e2e][limits]") {
    limits_agent agent(env_map{});
    const auto port = agent.port();
    auto big_header =
        test::http_request(port, "GET", "/healthz", {{"X-Filler", std::string(20000, 'a')}});
    CHECK((big_header.status == 431 || big_header.status == 400));

    const std::string bad = R"({"ref": "refs/heads/main", "repository": })";
    auto res = test::http_request(port, "POST", "/webhook", signed_headers(bad), bad);
    CHECK(res.status == 400);
    CHECK_THAT(res.body, Catch::Contains("malformed JSON at offset 41"));

    auto wrong = test::http_request(port, "GET", "/webhook");
    CHECK(wrong.status == 405);
    bool allow = false;
    for (const auto& [k, v] : wrong.headers) {
        allow = allow || (k == "Allow" && v == "POST");
    }
    CHECK(allow);
    CHECK(test::http_request(port, "DELETE", "/healthz").status == 405);
    CHECK(test::http_request(port, "PUT", "/webhooks/infisical").status == 405);

    auto metrics = test::http_request(port, "GET", "/metrics");
    CHECK(metrics.status == 200);
    CHECK_THAT(metrics.body, Catch::Contains("deploy_agent_deliveries_total{source=\"github\","
                                             "outcome=\"refused\",reason=\"bad_json\"} 1"));
    CHECK_THAT(
        metrics.body,
        Catch::Contains("deploy_agent_http_requests_total{path=\"/webhook\",status=\"405\"} 1"));
}

TEST_CASE("two clients sending one byte a second are dropped while a third is answered",
          "[e2e][limits]") {
    limits_agent agent(env_map{});
    const auto port = agent.port();
    // One trickles its body after a prompt header, the other trickles the header itself.
    auto slow_body = std::async(std::launch::async, trickle_until_closed, port,
                                std::string("POST /webhook HTTP/1.1\r\nHost: x\r\n"
                                            "Content-Type: application/json\r\n"
                                            "Content-Length: 5000\r\n\r\n{"),
                                std::string("\"a\":1,"), 40s);
    auto slow_header = std::async(std::launch::async, trickle_until_closed, port, std::string(),
                                  std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n"), 40s);
    std::this_thread::sleep_for(300ms);
    unsigned answered = 0;
    const auto start = steady::now();
    for (int i = 0; i < 30; ++i) {
        auto res = test::http_request(port, "GET", "/healthz");
        answered += res.status == 200 ? 1 : 0;
        std::this_thread::sleep_for(100ms);
    }
    CHECK(answered == 30);
    CHECK(steady::now() - start < 20s);  // 30 requests: generous; they are not queued behind

    auto body_closed = slow_body.get();
    auto header_closed = slow_header.get();
    INFO(agent.process.log());
    REQUIRE(body_closed);
    REQUIRE(header_closed);
    // The body rule (1 KiB/s after the first second) and the 10 s header rule, with slack.
    CHECK(*body_closed < 8s);
    CHECK(*header_closed < 20s);
    CHECK(agent.process.wait_for_log("dropped: request body slower than", 2s));
    CHECK(agent.process.wait_for_log("dropped: request header not complete", 2s));
    auto metrics = test::http_request(port, "GET", "/metrics");
    CHECK_THAT(metrics.body,
               Catch::Contains("deploy_agent_connections_refused_total{reason=\"slow_client\"} 1"));
}

TEST_CASE(
    "500 idle connections do not stop the agent answering: at MAX_CONNECTIONS a new "
    "connection evicts an idle one, and only when every one is busy gets a clean 503",
    "[e2e][limits]") {
    raise_open_files(2048);
    {
        limits_agent agent(env_map{{"MAX_CONNECTIONS", "520"}});
        const auto port = agent.port();
        std::vector<std::unique_ptr<raw_connection>> idle;
        for (int i = 0; i < 520; ++i) {
            idle.push_back(std::make_unique<raw_connection>(port));
        }
        // The agent is full: 40 more each ask at once and are answered, idle ones making room.
        unsigned answered = 0;
        for (int i = 0; i < 40; ++i) {
            answered += test::http_request(port, "GET", "/healthz").status == 200 ? 1 : 0;
        }
        CHECK(answered == 40);
        auto metrics = test::http_request(port, "GET", "/metrics");
        CHECK_THAT(metrics.body, Catch::Contains("deploy_agent_connections_refused_total{reason="
                                                 "\"evicted_idle\"}"));
    }
    limits_agent agent(env_map{{"MAX_CONNECTIONS", "4"}});
    const auto port = agent.port();
    // Four connections each in the middle of a request header: busy, not evictable.
    std::vector<std::unique_ptr<raw_connection>> busy;
    for (int i = 0; i < 4; ++i) {
        busy.push_back(std::make_unique<raw_connection>(port));
        busy.back()->send_text("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    }
    std::this_thread::sleep_for(300ms);
    // A refused client that sends its request anyway still reads the 503, not a reset.
    raw_connection late(port);
    late.send_text("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string got;
    CHECK(late.read_until_closed(got, 3s));
    CHECK_THAT(got, Catch::StartsWith("HTTP/1.1 503"));
    CHECK_THAT(got, Catch::Contains("too many connections"));
    INFO(agent.process.log());
    CHECK(agent.process.wait_for_log("connection refused: 4 connections open", 3s));
}

TEST_CASE("CF-Connecting-IP is used for logs only when the peer is a trusted proxy",
          "[e2e][limits]") {
    const std::vector<std::pair<std::string, std::string>> forwarded{
        {"CF-Connecting-IP", "203.0.113.7"},
        {"X-Forwarded-For", "198.51.100.1"},
        {"X-GitHub-Event", "push"},
        {"Content-Type", "application/json"}};
    {
        limits_agent trusted(env_map{{"TRUSTED_PROXIES", "127.0.0.0/8"}});
        auto res = test::http_request(trusted.port(), "POST", "/webhook", forwarded, "{}");
        CHECK(res.status == 401);
        CHECK(trusted.process.wait_for_log("203.0.113.7 POST /webhook 401", 5s));
    }
    {
        limits_agent untrusted(env_map{{"TRUSTED_PROXIES", "10.0.0.0/8"}});
        auto res = test::http_request(untrusted.port(), "POST", "/webhook", forwarded, "{}");
        CHECK(res.status == 401);
        CHECK(untrusted.process.wait_for_log("127.0.0.1 POST /webhook 401", 5s));
        CHECK(untrusted.process.log().find("203.0.113.7") == std::string::npos);
        CHECK(untrusted.process.log().find("198.51.100.1") == std::string::npos);
    }
}

TEST_CASE("a per-endpoint source allow-list refuses other sources with 403", "[e2e][limits]") {
    limits_agent agent(env_map{{"GITHUB_WEBHOOK_ALLOWED_CIDRS", "10.0.0.0/8"},
                               {"TRUSTED_PROXIES", "127.0.0.1"},
                               {"METRICS_ALLOWED_CIDRS", "127.0.0.1"}});
    const auto port = agent.port();
    const std::string body(100000, ' ');
    auto refused = test::http_request(port, "POST", "/webhook", signed_headers(body), body);
    CHECK(refused.status == 403);
    CHECK_THAT(refused.body, Catch::Contains("source address not allowed"));
    CHECK(agent.process.wait_for_log("not in GITHUB_WEBHOOK_ALLOWED_CIDRS (10.0.0.0/8)", 5s));
    // Other endpoints are not restricted by that list.
    CHECK(test::http_request(port, "GET", "/healthz").status == 200);
    CHECK(test::http_request(port, "GET", "/metrics").status == 200);
    // Through the trusted proxy, a client inside the list gets through to the intake.
    auto via = test::http_request(port, "POST", "/webhooks/github",
                                  {{"CF-Connecting-IP", "10.1.2.3"},
                                   {"X-GitHub-Event", "push"},
                                   {"Content-Type", "application/json"}},
                                  "{}");
    CHECK(via.status == 401);
    // ...and one outside it does not.
    auto outside = test::http_request(port, "POST", "/webhooks/github",
                                      {{"CF-Connecting-IP", "192.0.2.1"}}, "{}");
    CHECK(outside.status == 403);
}

TEST_CASE("a flood of refused deliveries is answered in full and logged in part, then summed up",
          "[e2e][limits]") {
    limits_agent agent(env_map{{"REFUSALS_LOGGED_PER_SECOND", "5"}});
    const auto port = agent.port();
    const std::string body =
        R"({"ref":"refs/heads/release","repository":{"full_name":"octo/web"}})";
    auto headers = signed_headers(body);
    headers.back().second = "sha256=" + agent::hmac_sha256_hex("not-the-secret", body);
    constexpr int sent = 60;
    for (int i = 0; i < sent; ++i) {
        REQUIRE(test::http_request(port, "POST", "/webhook", headers, body).status == 401);
    }
    // Each held-back second is summed up once it is over: wait until every refusal is accounted
    // for, in full or in a summary.
    std::size_t in_full = 0;
    std::size_t summed = 0;
    auto count = [&] {
        const std::string log = agent.process.log();
        in_full = 0;
        for (auto at = log.find("refused (bad_signature)"); at != std::string::npos;
             at = log.find("refused (bad_signature)", at + 1)) {
            ++in_full;
        }
        summed = 0;
        const std::regex summary(R"((\d+) more refused deliveries \(bad_signature (\d+)\))");
        for (std::sregex_iterator it(log.begin(), log.end(), summary), end; it != end; ++it) {
            CHECK((*it)[1] == (*it)[2]);
            summed += std::stoul((*it)[1]);
        }
        return in_full + summed == sent;
    };
    CHECK(test::eventually(count, 10s));
    INFO(agent.process.log());
    CHECK(in_full >= 5);
    CHECK(summed > 0);
    CHECK(in_full + summed == sent);

    auto metrics = test::http_request(port, "GET", "/metrics");
    CHECK_THAT(metrics.body, Catch::Contains("deploy_agent_deliveries_total{source=\"github\","
                                             "outcome=\"refused\",reason=\"bad_signature\"} 60"));
}

}  // namespace limits_test
