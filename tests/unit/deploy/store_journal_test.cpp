// The store journal: hands every write to the committer's writer thread and awaits them where
// it must (a recreate step before it is taken, a lane before its next job).
#include <catch2/catch.hpp>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "deploy/counting_journal.hpp"
#include "deploy/store_journal.hpp"
#include "metrics/agent_metrics.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"

namespace store_journal_test {

namespace {

namespace net = boost::asio;
using namespace agent;

// Holds the writer thread inside its completion until released.
class gate final : public write_completion {
  public:
    gate(std::latch& entered, std::latch& release) : entered_(entered), release_(release) {}
    void complete(std::exception_ptr, write_result) override {
        entered_.count_down();
        release_.wait();
    }

  private:
    std::latch& entered_;
    std::latch& release_;
};

struct outcome {
    bool done = false;
    std::string error;
    std::optional<deployment_state> state_seen;
};

net::awaitable<void> await_recorded(deployment_journal& journal, store& db, std::int64_t id,
                                    outcome* out) {
    co_await journal.settled();
    out->state_seen = db.get_deployment(id)->state;
    out->done = true;
}

net::awaitable<void> take_step(deployment_journal& journal, recreate_progress progress, store& db,
                               outcome* out) {
    try {
        co_await journal.recreate_step(std::move(progress));
        // What a crash now would leave for recovery: the step is already recorded.
        out->state_seen = db.interrupted_recreates().empty() ? deployment_state::queued
                                                             : deployment_state::running;
    } catch (const store_error& e) {
        out->error = e.what();
    }
    out->done = true;
}

struct rig {
    test::temp_dir dir;
    std::unique_ptr<store> db = store::open(store_options{.data_dir = dir.path.string()});
    std::int64_t id =
        db->record_delivery(delivery_record{"d-1", "github", "push", "accepted", "", 1000},
                            {planned_job{"web", "deploy", "github", "abc123", "", false}})
            .front();
    group_committer committer{*db};
    net::io_context io;
    std::vector<deployment_record> announced;
    std::thread::id announced_on;
    store_journal journal{committer, io.get_executor(), [this](const deployment_record& ended) {
                              announced.push_back(ended);
                              announced_on = std::this_thread::get_id();
                          }};
};

}  // namespace

TEST_CASE("store journal: the caller only queues, settled() returns once the states are durable",
          "[deploy]") {
    rig r;
    std::latch entered(1);
    std::latch release(1);
    r.committer.submit(history_barrier{}, std::make_unique<gate>(entered, release));
    entered.wait();

    // Each call returns at once, with the writer held: nothing is written on this thread.
    r.journal.started(r.id, "web", "web:1");
    r.journal.step(r.id, "pulling");
    r.journal.finished(r.id, "web", deploy_result::failed, "web:1", "pull failed");
    CHECK(r.db->get_deployment(r.id)->state == deployment_state::queued);
    CHECK(r.db->steps(r.id).empty());

    outcome waited;
    net::co_spawn(r.io, await_recorded(r.journal, *r.db, r.id, &waited), net::detached);
    r.io.poll();
    CHECK_FALSE(waited.done);
    release.count_down();
    r.io.run();
    REQUIRE(waited.done);
    CHECK(waited.state_seen == deployment_state::failed);
    auto steps = r.db->steps(r.id);
    REQUIRE(steps.size() == 2);
    CHECK(steps[1].message == "pull failed");

    // The end is handed on, on the io thread, as its transaction recorded it.
    REQUIRE(r.announced.size() == 1);
    CHECK(r.announced_on == std::this_thread::get_id());
    CHECK(r.announced[0].id == r.id);
    CHECK(r.announced[0].state == deployment_state::failed);
    CHECK(r.announced[0].commit == "abc123");
    CHECK(r.announced[0].trigger == "github");
    CHECK(r.announced[0].error == "pull failed");
    CHECK(r.announced[0].started_at_ms > 0);

    // An end reported twice is announced once.
    r.journal.finished(r.id, "web", deploy_result::succeeded, "web:2", "");
    outcome again;
    net::co_spawn(r.io, await_recorded(r.journal, *r.db, r.id, &again), net::detached);
    r.io.restart();
    r.io.run();
    CHECK(again.state_seen == deployment_state::failed);
    CHECK(r.announced.size() == 1);
}

TEST_CASE("store journal: a recreate step is recorded before its await returns", "[deploy]") {
    rig r;
    r.journal.started(r.id, "web", "web:1");
    outcome step;
    net::co_spawn(r.io,
                  take_step(r.journal, {r.id, "web", "web", "old", "web-parked-1", "", "rename"},
                            *r.db, &step),
                  net::detached);
    r.io.run();
    REQUIRE(step.done);
    CHECK(step.error.empty());
    CHECK(step.state_seen == deployment_state::running);

    // When it cannot be recorded, the await throws: the step is not taken.
    r.committer.stop();
    outcome refused;
    net::co_spawn(r.io,
                  take_step(r.journal, {r.id, "web", "web", "old", "web-parked-1", "", "create"},
                            *r.db, &refused),
                  net::detached);
    r.io.restart();
    r.io.run();
    REQUIRE(refused.done);
    CHECK_THAT(refused.error, Catch::Contains("shutting down"));
    CHECK(r.db->interrupted_recreates().at(0).step == "rename");
}

TEST_CASE("store journal: behind the server's counting journal, recreate steps are recorded",
          "[deploy]") {
    rig r;
    metrics::agent_metrics m;
    counting_journal counted(r.journal, m);
    counted.started(r.id, "web", "web:1");
    outcome step;
    net::co_spawn(
        r.io,
        take_step(counted, {r.id, "web", "web", "old", "web-parked-1", "", "stop"}, *r.db, &step),
        net::detached);
    r.io.run();
    REQUIRE(step.done);
    CHECK(step.state_seen == deployment_state::running);
    CHECK(r.db->interrupted_recreates().at(0).step == "stop");
    counted.finished(r.id, "web", deploy_result::succeeded, "web:2", "");
    outcome waited;
    net::co_spawn(r.io, await_recorded(counted, *r.db, r.id, &waited), net::detached);
    r.io.restart();
    r.io.run();
    CHECK(waited.state_seen == deployment_state::succeeded);
    CHECK(r.announced.size() == 1);
}

}  // namespace store_journal_test
