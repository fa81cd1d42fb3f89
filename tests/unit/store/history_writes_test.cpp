// History writes through the group committer: on its writer thread, in the deliveries'
// transactions, durable once awaited.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <future>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "store/group_commit.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"

namespace history_writes_test {

namespace {

namespace net = boost::asio;
using namespace agent;

store_options options_in(const test::temp_dir& dir) {
    return store_options{.data_dir = (dir.path / "data").string()};
}

delivery_record accepted(std::string id, std::int64_t at_ms) {
    return {std::move(id), "github", "push", "accepted", "matched", at_ms};
}

planned_job job(std::string app) {
    return {std::move(app), "deploy", "github", "abc", "", false};
}

// Holds the writer thread inside its completion until released, noting the thread it ran on.
class gate final : public write_completion {
  public:
    gate(std::latch& entered, std::latch& release, std::thread::id& ran_on)
        : entered_(entered), release_(release), ran_on_(ran_on) {}
    void complete(std::exception_ptr, write_result) override {
        ran_on_ = std::this_thread::get_id();
        entered_.count_down();
        release_.wait();
    }

  private:
    std::latch& entered_;
    std::latch& release_;
    std::thread::id& ran_on_;
};

struct awaited {
    std::vector<std::int64_t> ids;
    write_result result;
    std::string error;
    std::thread::id resumed_on;
    bool done = false;
};

net::awaitable<void> record_accepted(group_committer& committer, awaited* out) {
    std::vector<planned_job> jobs;
    jobs.push_back(job("api"));
    out->ids = co_await record_delivery_async(committer, accepted("d-2", 2000), std::move(jobs));
    out->done = true;
}

net::awaitable<void> write_through(group_committer& committer, history_write write, awaited* out) {
    try {
        out->result = co_await record_history_async(committer, std::move(write));
    } catch (const std::exception& e) {
        out->error = e.what();
    }
    out->resumed_on = std::this_thread::get_id();
    out->done = true;
}

}  // namespace

TEST_CASE("history writes: applied on the writer thread, in one transaction with deliveries",
          "[store]") {
    test::temp_dir dir;
    auto db = store::open(options_in(dir));
    auto id = db->record_delivery(accepted("d-1", 1000), {job("web")}).front();
    group_committer committer(*db);
    net::io_context io;

    // The writer is held inside the completion of a first write; what follows queues behind it.
    std::latch entered(1);
    std::latch release(1);
    std::thread::id writer_thread;
    committer.submit(step_line{id, 1000, "queued"},
                     std::make_unique<gate>(entered, release, writer_thread));
    entered.wait();
    CHECK(writer_thread != std::this_thread::get_id());
    const auto before = db->transactions_committed();

    awaited started;
    awaited step;
    awaited ended;
    awaited delivery;
    net::co_spawn(io, write_through(committer, deployment_started{id, "web:1", 1100}, &started),
                  net::detached);
    net::co_spawn(io, write_through(committer, step_line{id, 1200, "pulling"}, &step),
                  net::detached);
    net::co_spawn(io, record_accepted(committer, &delivery), net::detached);
    net::co_spawn(
        io,
        write_through(committer,
                      deployment_ended{id, deployment_state::succeeded, "web:2", "", 1300}, &ended),
        net::detached);
    // The io thread only queued them: nothing is written while the writer is held.
    while (committer.queued() < 4) {
        io.poll();
    }
    CHECK(db->get_deployment(id)->state == deployment_state::queued);
    CHECK(db->steps(id).size() == 1);
    CHECK(db->transactions_committed() == before);

    release.count_down();
    io.run();
    REQUIRE(started.done);
    REQUIRE(ended.done);
    REQUIRE(delivery.done);
    CHECK(started.error.empty());
    CHECK(started.result.changed);
    CHECK(step.result.changed);
    // Resumed on the caller's thread, not the writer's.
    CHECK(started.resumed_on == std::this_thread::get_id());
    CHECK(ended.resumed_on == std::this_thread::get_id());
    // One transaction for the three writes and the delivery.
    CHECK(db->transactions_committed() - before == 1);
    CHECK(committer.stats().largest_batch == 4);
    CHECK(committer.stats().writes == 4);

    auto record = db->get_deployment(id);
    CHECK(record->state == deployment_state::succeeded);
    CHECK(record->old_image == "web:1");
    CHECK(record->new_image == "web:2");
    CHECK(db->steps(id).size() == 2);
    REQUIRE(ended.result.ended);
    CHECK(ended.result.ended->state == deployment_state::succeeded);
    CHECK(ended.result.ended->started_at_ms == 1100);
    CHECK(ended.result.ended->finished_at_ms == 1300);
    CHECK(ended.result.ended->new_image == "web:2");
    REQUIRE(delivery.ids.size() == 1);
    CHECK(db->get_deployment(delivery.ids[0])->app == "api");
}

TEST_CASE("history writes: an end is reported once, a bad write fails alone", "[store]") {
    test::temp_dir dir;
    auto db = store::open(options_in(dir));
    auto ids = db->record_delivery(accepted("d-1", 1000), {job("web"), job("api")});
    group_committer committer(*db);
    CHECK(committer.apply(deployment_superseded{ids[1], ids[0], 1100}).changed);
    auto first = committer.apply(deployment_ended{ids[0], deployment_state::failed, "", "x", 1200});
    CHECK(first.changed);
    CHECK(first.ended);
    auto again =
        committer.apply(deployment_ended{ids[0], deployment_state::succeeded, "", "", 1300});
    CHECK_FALSE(again.changed);
    CHECK_FALSE(again.ended);
    // superseded is not an end a deployment_ended may set: it fails, and only it.
    std::latch entered(1);
    std::latch release(1);
    std::thread::id ignored;
    committer.submit(history_barrier{}, std::make_unique<gate>(entered, release, ignored));
    entered.wait();
    std::promise<std::string> outcome;
    struct to_promise final : write_completion {
        std::promise<std::string>& out;
        explicit to_promise(std::promise<std::string>& o) : out(o) {}
        void complete(std::exception_ptr error, write_result) override {
            try {
                if (error) {
                    std::rethrow_exception(error);
                }
                out.set_value("");
            } catch (const std::exception& e) {
                out.set_value(e.what());
            }
        }
    };
    committer.submit(deployment_ended{ids[1], deployment_state::superseded, "", "", 1400},
                     std::make_unique<to_promise>(outcome));
    committer.submit(step_line{ids[0], 1500, "after"}, nullptr);
    release.count_down();
    CHECK_THAT(outcome.get_future().get(), Catch::Contains("state must be"));
    CHECK(committer.apply(history_barrier{}).changed);
    CHECK(db->steps(ids[0]).back().message == "after");
}

TEST_CASE("history writes: durable when the await returns (the process is killed right after)",
          "[store]") {
    test::temp_dir dir;
    auto options = options_in(dir);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            auto db = store::open(options);
            auto id = db->record_delivery(accepted("d-1", 1000), {job("web")}).front();
            group_committer committer(*db);
            net::io_context io;
            awaited started;
            awaited step;
            net::co_spawn(io,
                          write_through(committer, deployment_started{id, "web:1", 1100}, &started),
                          net::detached);
            net::co_spawn(
                io,
                write_through(committer,
                              recreate_step_taken{
                                  {id, "web", "web", "old-id", "web-parked", "", "rename"}, 1200},
                              &step),
                net::detached);
            io.run();
            if (started.done && step.done && step.error.empty()) {
                ::kill(::getpid(), SIGKILL);  // nothing closed, nothing flushed after the await
            }
        } catch (...) {
        }
        ::_exit(1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);

    auto db = store::open(options);
    auto running = db->unfinished();
    REQUIRE(running.size() == 1);
    CHECK(running[0].state == deployment_state::running);
    CHECK(running[0].old_image == "web:1");
    auto recreates = db->interrupted_recreates();
    REQUIRE(recreates.size() == 1);
    CHECK(recreates[0].step == "rename");
    CHECK(recreates[0].parked_name == "web-parked");
}

TEST_CASE("history writes: after stop() they fail at once", "[store]") {
    test::temp_dir dir;
    auto db = store::open(options_in(dir));
    group_committer committer(*db);
    committer.stop();
    net::io_context io;
    awaited late;
    net::co_spawn(io, write_through(committer, history_barrier{}, &late), net::detached);
    io.run();
    REQUIRE(late.done);
    CHECK_THAT(late.error, Catch::Contains("shutting down"));
    CHECK_THROWS_AS(committer.apply(history_barrier{}), store_error);
}

}  // namespace history_writes_test
