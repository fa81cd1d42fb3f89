// The store's part of a recreate: the `recovered` state, the recreate steps recorded before they
// are taken, the schema migration that added them, and the one-owner lock on DATA_DIR.

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "store/owner_lock.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"

namespace recreate_progress_test {

namespace {

using test::temp_dir;

std::vector<std::int64_t> queue_jobs(agent::store& db, int n) {
    std::vector<agent::planned_job> jobs(static_cast<std::size_t>(n),
                                         agent::planned_job{"web", "deploy", "api", "", "", false});
    return db.record_delivery({"", "api", "deploy", "accepted", "test", 1000}, jobs);
}

void exec(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    INFO((message != nullptr ? message : ""));
    sqlite3_free(message);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("store: a running deployment can end recovered", "[store][recreate]") {
    temp_dir dir;
    auto db = agent::store::open({.data_dir = dir.path.string()});
    auto id = queue_jobs(*db, 1).front();
    REQUIRE(db->mark_running(id, "web:1", 1100));
    CHECK(db->mark_finished(id, agent::deployment_state::recovered, "", "reverted", 1200));
    auto d = db->get_deployment(id);
    REQUIRE(d);
    CHECK(d->state == agent::deployment_state::recovered);
    CHECK(d->error == "reverted");
    CHECK(agent::to_string(agent::deployment_state::recovered) == "recovered");
    CHECK(agent::parse_deployment_state("recovered") == agent::deployment_state::recovered);
    CHECK(agent::is_terminal(agent::deployment_state::recovered));
}

TEST_CASE("store: recreate steps of running deployments are found after a restart",
          "[store][recreate]") {
    temp_dir dir;
    std::vector<std::int64_t> ids;
    {
        auto db = agent::store::open({.data_dir = dir.path.string()});
        ids = queue_jobs(*db, 2);
        db->mark_running(ids[0], "web:1", 1100);
        db->mark_running(ids[1], "web:1", 1100);
        agent::recreate_progress p{ids[0], "web", "web", "oldid", "web-parked-1", "", "rename"};
        db->record_recreate_step(p, 1200);
        p.step = "stop";
        p.new_id = "newid";
        db->record_recreate_step(p, 1300);  // replaces the previous record
        db->record_recreate_step({ids[1], "web", "web", "o2", "p2", "", "create"}, 1300);
        db->mark_finished(ids[1], agent::deployment_state::succeeded, "", "", 1400);
    }
    auto db = agent::store::open({.data_dir = dir.path.string()});
    auto found = db->interrupted_recreates();
    REQUIRE(found.size() == 1);  // the finished deployment's record is not in flight
    CHECK(found[0].deployment_id == ids[0]);
    CHECK(found[0].step == "stop");
    CHECK(found[0].new_id == "newid");
    CHECK(found[0].parked_name == "web-parked-1");
    db->clear_recreate(ids[0]);
    CHECK(db->interrupted_recreates().empty());
}

TEST_CASE("store: the migration to schema 4 keeps deployments and never reuses an id",
          "[store][recreate]") {
    temp_dir dir;
    std::string path;
    std::int64_t newest = 0;
    {
        auto db = agent::store::open({.data_dir = dir.path.string()});
        path = db->path();
        auto ids = queue_jobs(*db, 3);
        newest = ids.back();
    }
    // Back to what an agent of schema 3 left: no recreate table, the newest id pruned.
    exec(path, ("DROP TABLE recreate_progress; DROP TABLE notification_attempts; "
                "DROP INDEX deliveries_accepted; CREATE INDEX deliveries_by_id ON deliveries(id); "
                "UPDATE schema_version SET version = 3; "
                "DELETE FROM deployments WHERE id = " +
                std::to_string(newest))
                   .c_str());
    auto db = agent::store::open({.data_dir = dir.path.string()});
    CHECK(db->list_deployments(std::string("web"), 10).size() == 2);
    auto next = queue_jobs(*db, 1).front();
    CHECK(next > newest);
    db->record_recreate_step({next, "web", "web", "o", "p", "", "rename"}, 1);
}

TEST_CASE("owner lock: a second owner of a DATA_DIR is refused, naming the first",
          "[store][recreate]") {
    temp_dir dir;
    std::string holder;
    auto first = agent::owner_lock::try_acquire(dir.path.string(), "serve", holder);
    REQUIRE(first);
    // flock locks belong to the open file: a second open in the same process conflicts too.
    auto second = agent::owner_lock::try_acquire(dir.path.string(), "deploy", holder);
    CHECK_FALSE(second);
    CHECK_THAT(holder, Catch::StartsWith("serve (pid "));
    CHECK_THAT(agent::owner_lock_refusal(dir.path.string(), holder),
               Catch::Contains("in use by deploy-agent serve"));
    first.reset();
    CHECK(agent::owner_lock::try_acquire(dir.path.string(), "deploy", holder));
}

}  // namespace recreate_progress_test
