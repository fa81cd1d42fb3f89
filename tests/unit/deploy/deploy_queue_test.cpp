// Queue semantics with a manual clock and a fake runner: serial per app, parallel across apps
// up to the bound, latest wins, debounce, in-flight dedupe.
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <catch2/catch.hpp>

#include "deploy/deploy_queue.hpp"
#include "support/manual_clock.hpp"

namespace deploy_queue_test {

namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

struct recording_journal final : agent::deployment_journal {
    std::vector<std::pair<std::int64_t, std::int64_t>> superseded_by;
    std::vector<std::int64_t> failed;
    void started(std::int64_t, std::string_view, std::string_view) override {}
    void step(std::int64_t, std::string_view) override {}
    void finished(std::int64_t id, std::string_view, agent::deploy_result r, std::string_view,
                  std::string_view) override {
        if (r == agent::deploy_result::failed) {
            failed.push_back(id);
        }
    }
    void superseded(std::int64_t id, std::string_view, std::int64_t by) override {
        superseded_by.emplace_back(id, by);
    }
    // When set, settled() waits for it: the store still writing what was reported.
    std::shared_ptr<net::steady_timer> hold;
    std::size_t settles = 0;
    net::awaitable<void> settled() override {
        ++settles;
        if (auto gate = hold) {
            co_await gate->async_wait(net::as_tuple(net::use_awaitable));
        }
    }
};

// A runner whose jobs stay "running" until the test finishes them.
struct fake_runner {
    explicit fake_runner(net::any_io_executor ex) : executor(std::move(ex)) {}
    net::any_io_executor executor;
    std::vector<std::int64_t> started;
    std::map<std::int64_t, std::shared_ptr<net::steady_timer>> gates;
    std::size_t concurrent = 0;
    std::size_t max_concurrent = 0;
    std::map<std::string, std::size_t> per_app_running;
    bool overlap_seen = false;

    void finish(std::int64_t id) { gates.at(id)->cancel(); }
};

net::awaitable<agent::deploy_result> run_fake(fake_runner& f, agent::app_spec app, agent::deploy_job job) {
    f.started.push_back(job.id);
    auto gate = std::make_shared<net::steady_timer>(f.executor, net::steady_timer::time_point::max());
    f.gates[job.id] = gate;
    ++f.concurrent;
    f.max_concurrent = std::max(f.max_concurrent, f.concurrent);
    if (++f.per_app_running[app.name] > 1) {
        f.overlap_seen = true;
    }
    co_await gate->async_wait(net::as_tuple(net::use_awaitable));
    --f.per_app_running[app.name];
    --f.concurrent;
    co_return agent::deploy_result::succeeded;
}

agent::manifest three_apps() {
    agent::manifest m;
    for (const char* name : {"a", "b", "c"}) {
        agent::app_spec app;
        app.name = name;
        app.container = name;
        app.strategy = agent::deploy_strategy::restart;
        m.apps.push_back(app);
    }
    return m;
}

agent::deploy_job job(std::int64_t id, const std::string& app, const std::string& commit = "") {
    return agent::deploy_job{id, agent::planned_job{app, "deploy", "github", commit, "", false}};
}

struct harness {
    net::io_context io;
    test::manual_clock clock{io.get_executor()};
    recording_journal journal;
    fake_runner runner{io.get_executor()};
    std::shared_ptr<const agent::manifest> manifest = std::make_shared<agent::manifest>(three_apps());
    agent::deploy_queue queue;

    explicit harness(agent::queue_options options)
        : queue(io.get_executor(),
                [this](agent::app_spec app, agent::deploy_job j) {
                    return run_fake(runner, std::move(app), std::move(j));
                },
                journal, [this] { return manifest; }, clock, options) {}

    void settle() {
        io.restart();
        io.poll();
    }
    void advance(std::chrono::milliseconds d) {
        clock.advance(d);
        settle();
    }
};

}  // namespace

TEST_CASE("jobs wait for the debounce, then run", "[queue]") {
    harness h({.debounce = 300ms, .max_concurrent_apps = 2});
    h.queue.submit(job(1, "a"));
    h.settle();
    CHECK(h.runner.started.empty());
    h.advance(299ms);
    CHECK(h.runner.started.empty());
    h.advance(1ms);
    CHECK(h.runner.started == std::vector<std::int64_t>{1});
}

TEST_CASE("a burst for one app becomes one deploy of the latest job", "[queue]") {
    harness h({.debounce = 300ms, .max_concurrent_apps = 2});
    for (int i = 1; i <= 50; ++i) {
        h.queue.submit(job(i, "a", "commit" + std::to_string(i)));
        h.advance(10ms);
    }
    h.advance(300ms);
    CHECK(h.runner.started == std::vector<std::int64_t>{50});
    CHECK(h.journal.superseded_by.size() == 49);
    CHECK(h.journal.superseded_by.front() == std::pair<std::int64_t, std::int64_t>{1, 2});
    CHECK(h.journal.superseded_by.back() == std::pair<std::int64_t, std::int64_t>{49, 50});
}

TEST_CASE("a steady stream cannot postpone a deploy forever", "[queue]") {
    harness h({.debounce = 300ms, .max_concurrent_apps = 2});
    for (int i = 1; i <= 20; ++i) {
        h.queue.submit(job(i, "a"));
        h.advance(200ms);  // always inside the debounce of the previous one
    }
    // Started after at most 5 debounce periods from the first submission.
    REQUIRE_FALSE(h.runner.started.empty());
    CHECK(h.runner.started.front() <= 8);
}

TEST_CASE("one app's deploys never overlap, the job behind the running one is the latest", "[queue]") {
    harness h({.debounce = 0ms, .max_concurrent_apps = 2});
    h.queue.submit(job(1, "a"));
    h.settle();
    REQUIRE(h.runner.started == std::vector<std::int64_t>{1});
    h.queue.submit(job(2, "a"));
    h.queue.submit(job(3, "a"));
    h.settle();
    CHECK(h.runner.started.size() == 1);
    CHECK(h.queue.in_flight() == 2);
    h.runner.finish(1);
    h.settle();
    CHECK(h.runner.started == std::vector<std::int64_t>{1, 3});
    CHECK(h.journal.superseded_by == std::vector<std::pair<std::int64_t, std::int64_t>>{{2, 3}});
    h.runner.finish(3);
    h.settle();
    CHECK(h.queue.in_flight() == 0);
    CHECK_FALSE(h.runner.overlap_seen);
}

TEST_CASE("different apps run concurrently up to the bound", "[queue]") {
    harness h({.debounce = 0ms, .max_concurrent_apps = 2});
    h.queue.submit(job(1, "a"));
    h.queue.submit(job(2, "b"));
    h.queue.submit(job(3, "c"));
    h.settle();
    CHECK(h.runner.started == std::vector<std::int64_t>{1, 2});
    CHECK(h.queue.running_apps() == 2);
    h.runner.finish(2);
    h.settle();
    CHECK(h.runner.started == std::vector<std::int64_t>{1, 2, 3});
    CHECK(h.runner.max_concurrent == 2);
    h.runner.finish(1);
    h.runner.finish(3);
    h.settle();
    CHECK(h.queue.running_apps() == 0);
}

TEST_CASE("a commit queued or running is found for dedupe", "[queue]") {
    harness h({.debounce = 0ms, .max_concurrent_apps = 2});
    h.queue.submit(job(1, "a", "abc"));
    h.settle();
    CHECK(h.queue.in_flight_for("a", "abc") == std::optional<std::int64_t>{1});
    CHECK_FALSE(h.queue.in_flight_for("a", "def"));
    CHECK_FALSE(h.queue.in_flight_for("b", "abc"));
    CHECK_FALSE(h.queue.in_flight_for("a", ""));
    h.queue.submit(job(2, "a", "def"));
    CHECK(h.queue.in_flight_for("a", "def") == std::optional<std::int64_t>{2});
    h.runner.finish(1);
    h.settle();
    h.runner.finish(2);
    h.settle();
    CHECK_FALSE(h.queue.in_flight_for("a", "abc"));
}

TEST_CASE("a job for an app removed from the manifest fails without running", "[queue]") {
    harness h({.debounce = 0ms, .max_concurrent_apps = 2});
    h.queue.submit(job(7, "gone"));
    h.settle();
    CHECK(h.runner.started.empty());
    CHECK(h.journal.failed == std::vector<std::int64_t>{7});
}

TEST_CASE("a lane takes its next job only once the journal has recorded the last one", "[queue]") {
    harness h({.debounce = 0ms, .max_concurrent_apps = 2});
    h.journal.hold =
        std::make_shared<net::steady_timer>(h.io, net::steady_timer::time_point::max());
    h.queue.submit(job(1, "a"));
    h.settle();
    h.queue.submit(job(2, "a"));
    h.runner.finish(1);
    h.settle();
    CHECK(h.journal.settles == 1);
    CHECK(h.runner.started == std::vector<std::int64_t>{1});  // job 1's states still being written
    auto gate = std::move(h.journal.hold);
    gate->cancel();
    h.settle();
    CHECK(h.runner.started == std::vector<std::int64_t>{1, 2});
    h.runner.finish(2);
    h.settle();
    CHECK(h.journal.settles == 2);
    CHECK(h.queue.in_flight() == 0);
}

}  // namespace deploy_queue_test
