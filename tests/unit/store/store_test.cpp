#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "store/group_commit.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"

namespace store_test {

namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;

using test::temp_dir;

agent::store_options options_for(const temp_dir& dir) {
    agent::store_options options;
    options.data_dir = (dir.path / "data").string();
    return options;
}

agent::delivery_record delivery(std::string id, std::int64_t at_ms,
                                std::string verdict = "accepted") {
    return {std::move(id), "github", "push", std::move(verdict), "matched", at_ms};
}

agent::planned_job job(std::string app, std::string commit = "abc123") {
    return {std::move(app), "deploy", "github", std::move(commit), "", false};
}

// Blocks the committer's writer thread inside the first completion until released, so that
// everything submitted meanwhile is queued and must go into the next transaction.
class gate_completion final : public agent::delivery_completion {
public:
    gate_completion(std::latch& entered, std::latch& release,
                    std::promise<std::vector<std::int64_t>>& out)
        : entered_(entered), release_(release), out_(out) {}
    void complete(std::exception_ptr error, std::vector<std::int64_t> ids) override {
        entered_.count_down();
        release_.wait();
        if (error) {
            out_.set_exception(error);
        } else {
            out_.set_value(std::move(ids));
        }
    }

private:
    std::latch& entered_;
    std::latch& release_;
    std::promise<std::vector<std::int64_t>>& out_;
};

struct async_outcome {
    std::vector<std::int64_t> ids;
    std::string error;
    std::thread::id resumed_on;
    bool done = false;
};

net::awaitable<void> record_through(agent::group_committer& committer, std::string app,
                                    async_outcome* out) {
    // Built before the co_await: g++ 12 miscompiles an initializer list inside one.
    std::vector<agent::planned_job> jobs;
    jobs.push_back(job(app));
    jobs.push_back(job(app + "-b"));
    try {
        out->ids = co_await agent::record_delivery_async(committer, delivery("", 1000),
                                                         std::move(jobs));
    } catch (const agent::store_error& e) {
        out->error = e.what();
    }
    out->resumed_on = std::this_thread::get_id();
    out->done = true;
}

}  // namespace

TEST_CASE("store: migrates an empty directory and keeps data across reopen", "[store]") {
    temp_dir dir;
    auto options = options_for(dir);
    std::int64_t id = 0;
    {
        auto db = agent::store::open(options);
        REQUIRE(fs::exists(db->path()));
        auto ids = db->record_delivery(delivery("d-1", 1000), {job("web")});
        REQUIRE(ids.size() == 1);
        id = ids[0];
    }
    auto db = agent::store::open(options);
    auto record = db->get_deployment(id);
    REQUIRE(record);
    CHECK(record->app == "web");
    CHECK(record->state == agent::deployment_state::queued);
    CHECK(record->delivery_id == "d-1");
    CHECK(record->created_at_ms == 1000);
}

TEST_CASE("store: refuses what it cannot use, naming the path", "[store]") {
    temp_dir dir;
    SECTION("a schema from a newer agent") {
        auto options = options_for(dir);
        std::string path = agent::store::open(options)->path();
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
        REQUIRE(sqlite3_exec(raw, "UPDATE schema_version SET version = 99", nullptr, nullptr,
                             nullptr) == SQLITE_OK);
        sqlite3_close(raw);
        CHECK_THROWS_WITH(agent::store::open(options),
                          Catch::Contains(path) && Catch::Contains("newer deploy-agent"));
    }
    SECTION("a file that is not a database") {
        auto options = options_for(dir);
        fs::create_directories(options.data_dir);
        std::ofstream(fs::path(options.data_dir) / "deploy-agent.db") << std::string(4096, 'x');
        CHECK_THROWS_WITH(agent::store::open(options),
                          Catch::Contains("deploy-agent.db") && Catch::Contains("move"));
    }
    SECTION("a DATA_DIR that cannot be created") {
        std::ofstream(dir.path / "file") << "x";
        agent::store_options options;
        options.data_dir = (dir.path / "file" / "data").string();
        CHECK_THROWS_AS(agent::store::open(options), agent::store_error);
    }
}

TEST_CASE("store: records deliveries and lists deployments newest first", "[store]") {
    temp_dir dir;
    auto db = agent::store::open(options_for(dir));
    auto first = db->record_delivery(delivery("d-1", 1000), {job("web"), job("api")});
    auto second = db->record_delivery(delivery("d-2", 2000), {job("web", "def456")});
    auto ignored = db->record_delivery(delivery("d-3", 3000, "ignored"), {});
    REQUIRE(first.size() == 2);
    REQUIRE(second.size() == 1);
    CHECK(ignored.empty());
    CHECK(first[0] < first[1]);
    CHECK(first[1] < second[0]);

    auto all = db->list_deployments(std::nullopt, 10);
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == second[0]);
    CHECK(all[2].id == first[0]);
    CHECK(db->list_deployments(std::nullopt, 2).size() == 2);

    auto web = db->list_deployments(std::string("web"), 10);
    REQUIRE(web.size() == 2);
    CHECK(web[0].commit == "def456");
    CHECK(web[0].action == "deploy");
    CHECK(web[0].trigger == "github");
    CHECK(db->last_deployment("web")->id == second[0]);
    CHECK_FALSE(db->last_deployment("nothing"));
    CHECK_FALSE(db->get_deployment(9999));
    CHECK(db->recent_deliveries(10).front().id == "d-3");
}

TEST_CASE("store: state transitions are guarded", "[store]") {
    temp_dir dir;
    auto db = agent::store::open(options_for(dir));
    auto ids = db->record_delivery(delivery("d-1", 1000), {job("web"), job("web"), job("api")});

    CHECK(db->mark_running(ids[0], "web:old", 1100));
    CHECK_FALSE(db->mark_running(ids[0], "web:old", 1150));
    CHECK_FALSE(db->mark_superseded(ids[0], ids[1], 1160));
    CHECK(db->mark_finished(ids[0], agent::deployment_state::succeeded, "web:new", "", 1200));
    CHECK_FALSE(db->mark_finished(ids[0], agent::deployment_state::failed, "", "late", 1300));
    auto done = db->get_deployment(ids[0]);
    CHECK(done->state == agent::deployment_state::succeeded);
    CHECK(done->old_image == "web:old");
    CHECK(done->new_image == "web:new");
    CHECK(done->started_at_ms == 1100);
    CHECK(done->finished_at_ms == 1200);

    CHECK(db->mark_superseded(ids[1], ids[0], 1250));
    auto superseded = db->get_deployment(ids[1]);
    CHECK(superseded->state == agent::deployment_state::superseded);
    CHECK(superseded->superseded_by == ids[0]);
    CHECK_FALSE(db->mark_running(ids[1], "", 1260));

    CHECK(db->mark_finished(ids[2], agent::deployment_state::rolled_back, "", "unhealthy", 1400));
    CHECK(db->get_deployment(ids[2])->error == "unhealthy");
    CHECK_THROWS_AS(
        db->mark_finished(ids[2], agent::deployment_state::queued, "", "", 1500),
        std::invalid_argument);

    CHECK(agent::parse_deployment_state("rolled_back") == agent::deployment_state::rolled_back);
    CHECK_FALSE(agent::parse_deployment_state("done"));
    CHECK(agent::to_string(agent::deployment_state::superseded) == "superseded");
}

TEST_CASE("store: the step log keeps the first and the latest lines", "[store]") {
    temp_dir dir;
    auto options = options_for(dir);
    options.max_steps_per_deployment = 10;
    auto db = agent::store::open(options);
    auto ids = db->record_delivery(delivery("d-1", 1000), {job("web"), job("api")});
    for (int i = 0; i < 25; ++i) {
        db->append_step(ids[0], 2000 + i, "line " + std::to_string(i));
    }
    db->append_step(ids[1], 3000, "pulling");
    db->append_step(424242, 3000, "ignored");

    auto lines = db->steps(ids[0]);
    REQUIRE(lines.size() == 11);
    CHECK(lines[0].message == "line 0");
    CHECK(lines[4].message == "line 4");
    CHECK_THAT(lines[5].message, Catch::Contains("15 lines omitted"));
    CHECK(lines[6].message == "line 20");
    CHECK(lines[10].message == "line 24");
    CHECK(lines[10].at_ms == 2024);

    auto short_log = db->steps(ids[1]);
    REQUIRE(short_log.size() == 1);
    CHECK(short_log[0].message == "pulling");
    CHECK(db->steps(424242).empty());

    db->append_step(ids[1], 3001, std::string(10000, 'y'));
    CHECK(db->steps(ids[1]).back().message.size() == 4096);
}

TEST_CASE("store: prune removes what is past retention", "[store]") {
    temp_dir dir;
    auto options = options_for(dir);
    options.retention = std::chrono::hours(1);
    auto db = agent::store::open(options);
    constexpr std::int64_t hour = 3600 * 1000;
    auto old = db->record_delivery(delivery("old", 0), {job("web"), job("web"), job("api")});
    db->record_delivery(delivery("old-refused", 0, "refused"), {});
    for (auto id : old) {
        db->append_step(id, 10, "step");
    }
    db->mark_running(old[0], "", 10);
    db->mark_finished(old[0], agent::deployment_state::succeeded, "", "", 20);
    db->mark_superseded(old[1], old[0], 20);  // web's newest, kept as the app's last deployment
    // old[2] (api) stays queued: never pruned.
    auto fresh = db->record_delivery(delivery("fresh", 2 * hour), {job("db")});

    auto removed = db->prune(2 * hour + 1);
    CHECK(removed == 2);  // old[0] and the refused delivery
    CHECK_FALSE(db->get_deployment(old[0]));
    CHECK(db->steps(old[0]).empty());
    CHECK(db->get_deployment(old[1]));
    CHECK(db->get_deployment(old[2]));
    CHECK(db->get_deployment(fresh[0]));
    CHECK(db->find_delivery("old"));  // still referenced by kept deployments
    CHECK_FALSE(db->find_delivery("old-refused"));
    CHECK(db->prune(2 * hour + 1) == 0);
}

TEST_CASE("store: prune keeps at most max_deliveries", "[store]") {
    temp_dir dir;
    auto options = options_for(dir);
    options.max_deliveries = 3;
    auto db = agent::store::open(options);
    for (int i = 0; i < 6; ++i) {
        db->record_delivery(delivery("r-" + std::to_string(i), 1000 + i, "refused"), {});
    }
    CHECK(db->prune(2000) == 3);
    auto kept = db->recent_deliveries(10);
    REQUIRE(kept.size() == 3);
    CHECK(kept.front().id == "r-5");
    CHECK(kept.back().id == "r-3");
}

TEST_CASE("store: after a crash, queued deployments resume and running ones are interrupted",
          "[store]") {
    temp_dir dir;
    auto options = options_for(dir);
    // The child records and dies without closing anything: the WAL is left as after a crash.
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            auto db = agent::store::open(options);
            auto ids = db->record_delivery(delivery("d-1", 1000), {job("web"), job("api")});
            db->mark_running(ids[0], "web:old", 1100);
            db->append_step(ids[0], 1100, "pulling");
            ::_exit(0);
        } catch (...) {
        }
        ::_exit(1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    auto db = agent::store::open(options);
    auto pending = db->unfinished();
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].state == agent::deployment_state::running);
    CHECK(pending[1].state == agent::deployment_state::queued);

    auto interrupted = db->mark_interrupted(5000);
    REQUIRE(interrupted.size() == 1);
    CHECK(interrupted[0].id == pending[0].id);
    CHECK(interrupted[0].state == agent::deployment_state::failed);
    CHECK(interrupted[0].finished_at_ms == 5000);
    CHECK_THAT(interrupted[0].error, Catch::StartsWith("interrupted"));
    CHECK_THAT(db->steps(pending[0].id).back().message, Catch::StartsWith("interrupted"));

    auto resume = db->unfinished();
    REQUIRE(resume.size() == 1);
    CHECK(resume[0].app == "api");
}

TEST_CASE("store: find_delivery prefers the accepted delivery", "[store]") {
    temp_dir dir;
    auto db = agent::store::open(options_for(dir));
    db->record_delivery(delivery("g-1", 1000, "refused"), {});
    CHECK(db->find_delivery("g-1")->verdict == "refused");
    db->record_delivery(delivery("g-1", 2000), {job("web")});
    db->record_delivery(delivery("g-1", 3000, "duplicate"), {});
    auto found = db->find_delivery("g-1");
    REQUIRE(found);
    CHECK(found->verdict == "accepted");
    CHECK(found->received_at_ms == 2000);
    CHECK(found->source == "github");
    CHECK_FALSE(db->find_delivery("nope"));
    CHECK_FALSE(db->find_delivery(""));

    auto ids = db->record_delivery(delivery("", 4000), {job("web")});
    auto generated = db->get_deployment(ids[0])->delivery_id;
    CHECK_THAT(generated, Catch::StartsWith("local-"));
    CHECK(db->find_delivery(generated));
}

TEST_CASE("store: group commit shares one transaction among queued deliveries", "[store]") {
    temp_dir dir;
    auto db = agent::store::open(options_for(dir));
    agent::group_committer committer(*db);
    auto before = db->transactions_committed();

    std::latch entered(1);
    std::latch release(1);
    std::promise<std::vector<std::int64_t>> first;
    committer.submit(delivery("first", 1), {job("first")},
                     std::make_unique<gate_completion>(entered, release, first));
    entered.wait();
    // The writer is now held inside the first completion; these all queue up behind it.
    constexpr int count = 40;
    std::vector<std::future<std::vector<std::int64_t>>> rest;
    std::vector<std::thread> submitters;
    std::vector<std::promise<std::vector<std::int64_t>>> promises(count);
    for (int i = 0; i < count; ++i) {
        rest.push_back(promises[i].get_future());
    }
    for (int i = 0; i < count; ++i) {
        submitters.emplace_back([&committer, &promises, i] {
            try {
                promises[i].set_value(committer.record_delivery(
                    delivery("d-" + std::to_string(i), 2),
                    {job("app-" + std::to_string(i)), job("app-" + std::to_string(i) + "-b")}));
            } catch (...) {
                promises[i].set_exception(std::current_exception());
            }
        });
    }
    // Wait until all are queued behind the first transaction.
    while (committer.queued() < count) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    release.count_down();
    for (auto& thread : submitters) {
        thread.join();
    }
    CHECK(first.get_future().get().size() == 1);
    std::set<std::int64_t> seen;
    for (int i = 0; i < count; ++i) {
        auto ids = rest[i].get();
        REQUIRE(ids.size() == 2);
        CHECK(db->get_deployment(ids[0])->app == "app-" + std::to_string(i));
        CHECK(db->get_deployment(ids[1])->app == "app-" + std::to_string(i) + "-b");
        seen.insert(ids.begin(), ids.end());
    }
    CHECK(seen.size() == 2 * count);
    CHECK(db->transactions_committed() - before == 2);
    auto stats = committer.stats();
    CHECK(stats.transactions == 2);
    CHECK(stats.deliveries == count + 1);
    CHECK(stats.largest_batch == count);
}

// Completes a promise; for relaxed submissions, which nobody awaits in the agent.
class promise_completion final : public agent::delivery_completion {
public:
    std::future<std::vector<std::int64_t>> future() { return promise_.get_future(); }
    void complete(std::exception_ptr error, std::vector<std::int64_t> ids) override {
        if (error) {
            promise_.set_exception(error);
        } else {
            promise_.set_value(std::move(ids));
        }
    }

private:
    std::promise<std::vector<std::int64_t>> promise_;
};

TEST_CASE("store: relaxed deliveries wait for company, a durable one takes them along",
          "[store]") {
    temp_dir dir;
    auto db = agent::store::open(options_for(dir));
    // An hour: nothing below may depend on the delay running out.
    agent::group_committer committer(*db, 512, std::chrono::hours(1));
    auto before = db->transactions_committed();

    std::vector<std::future<std::vector<std::int64_t>>> refused;
    for (int i = 0; i < 30; ++i) {
        auto done = std::make_unique<promise_completion>();
        refused.push_back(done->future());
        committer.submit(delivery("r-" + std::to_string(i), 1, "refused"), {}, std::move(done),
                         agent::durability::relaxed);
    }
    CHECK(refused.front().wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
    CHECK(committer.queued() == 30);

    // An accepted delivery is not held back by them, and they share its transaction.
    auto ids = committer.record_delivery(delivery("accepted-1", 2), {job("web")});
    REQUIRE(ids.size() == 1);
    for (auto& f : refused) {
        REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        CHECK(f.get().empty());
    }
    CHECK(db->transactions_committed() - before == 1);
    CHECK(committer.stats().largest_batch == 31);
    CHECK(db->find_delivery("r-29").has_value());

    // stop() records what is still gathering at once.
    auto last = std::make_unique<promise_completion>();
    auto last_done = last->future();
    committer.submit(delivery("r-last", 3, "refused"), {}, std::move(last),
                     agent::durability::relaxed);
    committer.stop();
    REQUIRE(last_done.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
    CHECK(db->find_delivery("r-last").has_value());
}

TEST_CASE("store: group commit from many threads returns each caller its own ids", "[store]") {
    temp_dir dir;
    auto db = agent::store::open(options_for(dir));
    agent::group_committer committer(*db);
    constexpr int threads = 16;
    constexpr int per_thread = 30;
    std::atomic<int> wrong{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto app = "t" + std::to_string(t) + "-" + std::to_string(i);
                auto ids = committer.record_delivery(delivery(app, i), {job(app)});
                if (ids.size() != 1 || db->get_deployment(ids[0])->app != app) {
                    ++wrong;
                }
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    CHECK(wrong == 0);
    CHECK(db->list_deployments(std::nullopt, 10000).size() == threads * per_thread);
    auto stats = committer.stats();
    CHECK(stats.deliveries == threads * per_thread);
    CHECK(stats.transactions <= stats.deliveries);
}

TEST_CASE("store: record_delivery_async resumes on the caller's io_context", "[store]") {
    temp_dir dir;
    auto db = agent::store::open(options_for(dir));
    agent::group_committer committer(*db);
    net::io_context context;
    std::vector<async_outcome> outcomes(20);
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        net::co_spawn(context, record_through(committer, "app" + std::to_string(i), &outcomes[i]),
                      net::detached);
    }
    context.run();
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        REQUIRE(outcomes[i].done);
        CHECK(outcomes[i].error.empty());
        CHECK(outcomes[i].resumed_on == std::this_thread::get_id());
        REQUIRE(outcomes[i].ids.size() == 2);
        CHECK(db->get_deployment(outcomes[i].ids[1])->app == "app" + std::to_string(i) + "-b");
        seen.insert(outcomes[i].ids.begin(), outcomes[i].ids.end());
    }
    CHECK(seen.size() == 40);

    committer.stop();
    async_outcome refused;
    net::co_spawn(context, record_through(committer, "late", &refused), net::detached);
    context.restart();
    context.run();
    REQUIRE(refused.done);
    CHECK_THAT(refused.error, Catch::Contains("shutting down"));
}

TEST_CASE("store: a full store fails the write with a store_error", "[store]") {
    temp_dir dir;
    auto options = options_for(dir);
    options.max_size_bytes = 64 * 1024;
    auto db = agent::store::open(options);
    agent::group_committer committer(*db);
    std::string error;
    for (int i = 0; i < 1000 && error.empty(); ++i) {
        try {
            db->record_delivery(
                {"d-" + std::to_string(i), "github", "push", "refused", std::string(4000, 'r'), i},
                {});
        } catch (const agent::store_error& e) {
            error = e.what();
        }
    }
    CHECK_THAT(error, Catch::Contains(db->path()) && Catch::Contains("disk space"));
    // Fill what room is left with the smallest rows, so that no delivery fits any more.
    for (int i = 0; i < 100000; ++i) {
        try {
            db->record_delivery({"s" + std::to_string(i), "", "", "", "", i}, {});
        } catch (const agent::store_error&) {
            break;
        }
    }

    net::io_context context;
    async_outcome outcome;
    net::co_spawn(context, record_through(committer, "web", &outcome), net::detached);
    context.run();
    REQUIRE(outcome.done);
    CHECK_THAT(outcome.error, Catch::Contains("disk space"));
    // Nothing of the failed transaction remains, and reads still work.
    CHECK(db->list_deployments(std::nullopt, 10).empty());
}

TEST_CASE("delivery_accepted finds only accepted deliveries", "[store]") {
    auto dir = std::filesystem::temp_directory_path() / ("da-store-accepted-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto db = agent::store::open({.data_dir = dir.string()});
    db->record_delivery({"d-1", "github", "push", "refused", "bad_signature", 1}, {});
    CHECK_FALSE(db->delivery_accepted("d-1"));
    db->record_delivery({"d-1", "github", "push", "accepted", "1 queued", 2},
                        {agent::planned_job{"web", "deploy", "github", "abc", "d-1", false}});
    CHECK(db->delivery_accepted("d-1"));
    CHECK_FALSE(db->delivery_accepted("d-2"));
    CHECK_FALSE(db->delivery_accepted(""));
    db.reset();
    std::filesystem::remove_all(dir);
}

TEST_CASE("replay keys are recorded with their delivery and survive a reopen", "[store]") {
    temp_dir dir;
    auto options = options_for(dir);
    options.retention = std::chrono::hours(0);
    {
        auto db = agent::store::open(options);
        auto push = delivery("d-1", 1000);
        push.replay_key = "github:abc";
        db->record_delivery(push, {job("web")});
        auto signature = delivery("", 1000, "accepted");
        signature.source = "infisical";
        signature.replay_key = "infisical:def";
        signature.replay_expires_at_ms = 301000;
        db->record_delivery(signature, {});
        CHECK(db->replay_seen("github:abc", 5000));
        CHECK(db->replay_seen("infisical:def", 300999));
        CHECK_FALSE(db->replay_seen("infisical:def", 301000));
        CHECK_FALSE(db->replay_seen("github:other", 5000));
        CHECK_FALSE(db->replay_seen("", 5000));
    }
    auto db = agent::store::open(options);
    CHECK(db->replay_seen("github:abc", 10'000'000'000));
    // Pruning drops expired keys; GitHub's are kept for good (up to max_replay_keys).
    db->prune(400000);
    CHECK_FALSE(db->replay_seen("infisical:def", 0));
    CHECK(db->replay_seen("github:abc", 400000));
}

TEST_CASE("replay keys beyond max_replay_keys go oldest first", "[store]") {
    temp_dir dir;
    auto options = options_for(dir);
    options.retention = std::chrono::hours(0);
    options.max_replay_keys = 2;
    auto db = agent::store::open(options);
    for (int i = 0; i < 3; ++i) {
        auto d = delivery("d-" + std::to_string(i), 1000 + i);
        d.replay_key = "github:" + std::to_string(i);
        db->record_delivery(d, {});
    }
    db->prune(2000);
    CHECK_FALSE(db->replay_seen("github:0", 2000));
    CHECK(db->replay_seen("github:1", 2000));
    CHECK(db->replay_seen("github:2", 2000));
}

namespace {

// The names of the indexes on `table`, read with SQLite's own API.
std::set<std::string> index_names(const std::string& path, const std::string& table) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* query = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw,
                               "SELECT name FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name = ?1 AND sql IS NOT NULL",
                               -1, &query, nullptr) == SQLITE_OK);
    sqlite3_bind_text(query, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    std::set<std::string> names;
    while (sqlite3_step(query) == SQLITE_ROW) {
        names.insert(reinterpret_cast<const char*>(sqlite3_column_text(query, 0)));
    }
    sqlite3_finalize(query);
    sqlite3_close(raw);
    return names;
}

void exec_sql(const std::string& path, const char* sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    CHECK(sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
}

}  // namespace

TEST_CASE("store: the migration to schema 6 drops deliveries_by_id and indexes the accepted",
          "[store]") {
    temp_dir dir;
    auto options = options_for(dir);
    std::string path;
    {
        auto db = agent::store::open(options);
        path = db->path();
        db->record_delivery(delivery("d-1", 1000), {job("web")});
        db->record_delivery(delivery("d-2", 2000, "duplicate"), {});
    }
    CHECK(index_names(path, "deliveries") == std::set<std::string>{"deliveries_by_time",
                                                                   "deliveries_by_id_verdict",
                                                                   "deliveries_accepted"});
    // Back to what an agent of schema 5 left.
    exec_sql(path,
             "DROP INDEX deliveries_accepted; CREATE INDEX deliveries_by_id ON deliveries(id); "
             "UPDATE schema_version SET version = 5");
    auto db = agent::store::open(options);
    CHECK(index_names(path, "deliveries") == std::set<std::string>{"deliveries_by_time",
                                                                   "deliveries_by_id_verdict",
                                                                   "deliveries_accepted"});
    db->record_delivery(delivery("d-3", 3000), {});
    CHECK(db->delivery_accepted("d-1"));
    CHECK_FALSE(db->delivery_accepted("d-2"));
    auto accepted = db->accepted_since(0, 10);
    REQUIRE(accepted.size() == 2);
    CHECK(accepted[0].id == "d-1");
    CHECK(accepted[0].received_at_ms == 1000);
    CHECK(accepted[1].id == "d-3");
    CHECK(db->accepted_since(2500, 10).size() == 1);
    CHECK(db->accepted_since(0, 1).front().id == "d-3");
}

}  // namespace store_test
