// The notifier against real receivers (in-test HTTP and HTTPS servers) and a real store.
#include <mutex>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "notify/notifier.hpp"
#include "store/group_commit.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"
#include "support/http_receiver.hpp"
#include "support/https_server.hpp"

namespace notifier_test {

using namespace agent;
using namespace std::chrono_literals;

namespace {

struct rig {
    test::temp_dir dir;
    std::unique_ptr<store> db = store::open(store_options{.data_dir = dir.path.string()});
    group_committer committer{*db};
    boost::asio::io_context io;

    // A deployment of `app` recorded as finished in `state` with `error`: the record its end
    // left, as the journal hands it to the notifier.
    deployment_record finished(const std::string& app, deployment_state state,
                               const std::string& error) {
        auto ids = db->record_delivery(delivery_record{"d-" + app, "api", "deploy", "accepted", "",
                                                       1000},
                                       {planned_job{app, "deploy", "api", "abc123", "", false}});
        db->mark_running(ids[0], "old", 2000);
        auto ended = db->apply(deployment_ended{ids[0], state, "new", error, 5000}).ended;
        REQUIRE(ended);
        return *ended;
    }

    // The attempts recorded for `id`, once the writer thread has recorded all submitted.
    std::vector<notification_attempt> attempts(std::int64_t id) {
        committer.apply(history_barrier{});
        return db->notification_attempts(id);
    }

    notify::notifier make(std::vector<std::string> urls, notify::notifier_options o = {}) {
        for (const auto& url : urls) {
            std::string problem;
            o.targets.push_back(*notify::parse_target(url, problem));
        }
        o.first_retry = 20ms;
        auto sender = notify::make_http_transport(io.get_executor(), o.ca_file);
        return notify::notifier(io.get_executor(), committer, std::move(sender), nullptr, o);
    }

    // Announces a failure of "web" with `error` to `urls`; returns the attempts once all ended.
    std::vector<notification_attempt> announce_failure(std::vector<std::string> urls,
                                                       notify::notifier_options o,
                                                       const std::string& error = "boom") {
        auto n = make(std::move(urls), std::move(o));
        auto ended = finished("web", deployment_state::failed, error);
        n.deployment_finished(ended);
        run_until([&] { return n.in_flight() == 0; });
        return attempts(ended.id);
    }

    // Runs the loop until `done` or 20 s pass.
    template <class Done>
    void run_until(Done done) {
        auto deadline = std::chrono::steady_clock::now() + 20s;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io.run_for(50ms);
            io.restart();
        }
    }
};

// A notification receiver over HTTPS (its own CA) that answers 200 and keeps what it got.
struct https_receiver {
    std::mutex mutex;
    std::vector<test::received_request> got;
    test::https_server server;

    explicit https_receiver(test::https_server::options o = {})
        : server(std::move(o), [this](const test::received_request& r) {
              std::lock_guard lock(mutex);
              got.push_back(r);
              test::served_reply answer;
              answer.body = "ok";
              answer.content_type = "text/plain";
              return answer;
          }) {}

    std::vector<test::received_request> requests() {
        std::lock_guard lock(mutex);
        return got;
    }
};

}  // namespace

TEST_CASE("a failed deployment is announced, a 500 is retried and every attempt recorded",
          "[notify]") {
    rig r;
    test::http_receiver receiver({500, 200});
    notify::notifier_options o;
    o.public_url = "https://deploy.example.com";
    o.secrets = {"s3cr3t-value-123"};
    auto n = r.make({receiver.url() + "/hook"}, o);
    auto ended = r.finished("web", deployment_state::failed, "pull failed: auth s3cr3t-value-123");
    auto id = ended.id;
    n.deployment_finished(ended);
    r.run_until([&] { return n.in_flight() == 0; });
    auto got = receiver.requests();
    REQUIRE(got.size() == 2);
    CHECK(got[0].body == got[1].body);
    CHECK(got[1].target == "/hook");
    CHECK(got[1].headers["content-type"] == "application/json");
    CHECK_THAT(got[1].body, Catch::Contains(R"("app":"web")"));
    CHECK_THAT(got[1].body, Catch::Contains(R"("result":"failed")"));
    CHECK_THAT(got[1].body, Catch::Contains(R"("duration_ms":3000)"));
    CHECK_THAT(got[1].body, Catch::Contains("https://deploy.example.com/deployments/" +
                                            std::to_string(id)));
    CHECK_THAT(got[1].body, Catch::Contains("pull failed: auth [redacted]"));
    CHECK(got[1].body.find("s3cr3t-value-123") == std::string::npos);
    auto attempts = r.attempts(id);
    REQUIRE(attempts.size() == 2);
    CHECK(attempts[0].outcome == "retrying");
    CHECK(attempts[0].status == 500);
    CHECK(attempts[1].outcome == "delivered");
    CHECK(attempts[1].attempt == 2);
    CHECK(attempts[1].target == "json " + receiver.url());
}

TEST_CASE("succeeded is announced only when asked for", "[notify]") {
    rig r;
    test::http_receiver receiver;
    auto quiet = r.make({receiver.url()});
    quiet.deployment_finished(r.finished("web", deployment_state::succeeded, ""));
    CHECK(quiet.in_flight() == 0);
    notify::notifier_options o;
    o.on.succeeded = true;
    auto loud = r.make({receiver.url()}, o);
    loud.deployment_finished(r.finished("api", deployment_state::succeeded, ""));
    r.run_until([&] { return loud.in_flight() == 0; });
    REQUIRE(receiver.count() == 1);
    CHECK_THAT(receiver.requests()[0].body, Catch::Contains(R"("result":"succeeded")"));
}

TEST_CASE("a receiver that never answers holds up neither other receivers nor the caller",
          "[notify]") {
    rig r;
    test::http_receiver silent({200}, true);
    test::http_receiver healthy;
    notify::notifier_options o;
    o.timeout = 60s;  // far longer than this test waits
    auto n = r.make({silent.url(), healthy.url()}, o);
    n.deployment_finished(r.finished("web", deployment_state::failed, "boom"));
    n.deployment_finished(r.finished("web", deployment_state::rolled_back, "unhealthy"));
    CHECK(n.in_flight() == 4);  // returned at once, with everything still to send
    r.run_until([&] { return healthy.count() == 2 && silent.count() == 2; });
    CHECK(healthy.count() == 2);
    CHECK(silent.count() == 2);
    CHECK(n.in_flight() == 2);  // the silent receiver's, still waiting for an answer
}

TEST_CASE("a 4xx other than 408/429 is not retried", "[notify]") {
    rig r;
    test::http_receiver receiver({404});
    auto n = r.make({receiver.url()});
    auto ended = r.finished("web", deployment_state::failed, "x");
    auto id = ended.id;
    n.deployment_finished(ended);
    r.run_until([&] { return n.in_flight() == 0; });
    CHECK(receiver.count() == 1);
    auto attempts = r.attempts(id);
    REQUIRE(attempts.size() == 1);
    CHECK(attempts[0].outcome == "failed");
}

TEST_CASE("a notification reaches an https receiver trusted through the CA file", "[notify]") {
    rig r;
    https_receiver receiver;
    notify::notifier_options o;
    o.ca_file = receiver.server.ca_file();
    o.secrets = {"tls-s3cr3t-456"};
    auto attempts = r.announce_failure({receiver.server.url() + "/hooks/T0"}, o,
                                       "login with tls-s3cr3t-456 refused");
    auto got = receiver.requests();
    REQUIRE(got.size() == 1);
    CHECK(got[0].target == "/hooks/T0");
    CHECK(got[0].headers["content-type"] == "application/json");
    CHECK_THAT(got[0].body, Catch::Contains(R"("app":"web")"));
    CHECK_THAT(got[0].body, Catch::Contains("login with [redacted] refused"));
    CHECK(got[0].body.find("tls-s3cr3t-456") == std::string::npos);
    REQUIRE(attempts.size() == 1);
    CHECK(attempts[0].outcome == "delivered");
    CHECK(attempts[0].status == 200);
    CHECK(attempts[0].target.starts_with("json https://127.0.0.1:"));
}

TEST_CASE("an https receiver whose certificate names another host gets nothing, and the "
          "attempt says why",
          "[notify]") {
    rig r;
    https_receiver receiver(test::https_server::options{.names = {"DNS:wrong.example"}});
    notify::notifier_options o;
    o.ca_file = receiver.server.ca_file();
    o.attempts = 2;
    // By name, so that the name (not the address) is what the certificate fails to match.
    const std::string by_name = "https://localhost:" + std::to_string(receiver.server.port());
    auto attempts = r.announce_failure({by_name}, o);
    CHECK(receiver.requests().empty());
    REQUIRE(attempts.size() == 2);
    CHECK(attempts[1].outcome == "failed");
    CHECK(attempts[1].status == 0);
    CHECK(attempts[1].error == "certificate refused: hostname mismatch");
}

TEST_CASE("an https receiver from a CA outside the system store is refused without the CA file",
          "[notify]") {
    rig r;
    https_receiver receiver;
    notify::notifier_options o;
    o.attempts = 1;
    auto attempts = r.announce_failure({receiver.server.url()}, o);
    CHECK(receiver.requests().empty());
    REQUIRE(attempts.size() == 1);
    CHECK(attempts[0].outcome == "failed");
    CHECK_THAT(attempts[0].error, Catch::StartsWith("certificate refused: "));
}

TEST_CASE("the notifier announces the outcome it is handed, without reading the store",
          "[notify]") {
    rig r;
    test::http_receiver receiver;
    auto n = r.make({receiver.url()});
    // Recorded one way, handed another: what the notification says is what it was handed.
    auto ended = r.finished("web", deployment_state::failed, "recorded reason");
    ended.error = "handed reason";
    ended.commit = "feedbeef";
    ended.finished_at_ms = 9000;
    n.deployment_finished(ended);
    // A deployment the store never saw is announced all the same.
    deployment_record unknown = ended;
    unknown.id = 4242;
    unknown.app = "ghost";
    n.deployment_finished(unknown);
    // Not ended: nothing to announce.
    deployment_record running = ended;
    running.state = deployment_state::running;
    n.deployment_finished(running);
    r.run_until([&] { return n.in_flight() == 0; });
    auto got = receiver.requests();
    REQUIRE(got.size() == 2);
    CHECK_THAT(got[0].body, Catch::Contains("handed reason"));
    CHECK(got[0].body.find("recorded reason") == std::string::npos);
    CHECK_THAT(got[0].body, Catch::Contains("feedbeef"));
    CHECK_THAT(got[0].body, Catch::Contains(R"("duration_ms":7000)"));
    CHECK_THAT(got[1].body, Catch::Contains(R"("app":"ghost")"));
    CHECK(r.attempts(4242).size() == 1);
}

}  // namespace notifier_test
