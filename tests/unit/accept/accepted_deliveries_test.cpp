// The accept stage's memory of accepted delivery ids: what the redelivery check of every push
// reads instead of the store.
#include <catch2/catch.hpp>

#include <chrono>

#include "accept/accepted_deliveries.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"

namespace accepted_deliveries_test {

using namespace agent;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t day_ms = 24 * 3600 * 1000;

delivery_record delivery(std::string id, std::string verdict, std::int64_t at_ms) {
    return {std::move(id), "github", "push", std::move(verdict), "", at_ms};
}

planned_job job(std::string delivery_id) {
    return {"web", "deploy", "github", "abc", std::move(delivery_id), false};
}

}  // namespace

TEST_CASE("accepted deliveries: added ids are found until the retention is over", "[accept]") {
    accepted_deliveries ids(accepted_deliveries_settings{
        .retention = std::chrono::milliseconds(day_ms), .max_ids = 100});
    const std::int64_t t0 = 1'000'000'000'000;
    CHECK_FALSE(ids.contains("d-1", t0));
    ids.add("d-1", t0, t0);
    ids.add("", t0, t0);  // no id: nothing to remember
    CHECK(ids.size() == 1);
    CHECK(ids.contains("d-1", t0));
    CHECK_FALSE(ids.contains("d-2", t0));
    CHECK(ids.contains("d-1", t0 + day_ms));
    CHECK_FALSE(ids.contains("d-1", t0 + day_ms + 1));
    // The next add drops what has expired.
    ids.add("d-2", t0 + 2 * day_ms, t0 + 2 * day_ms);
    CHECK(ids.size() == 1);
    CHECK(ids.contains("d-2", t0 + 2 * day_ms));
}

TEST_CASE("accepted deliveries: bounded, the oldest go first, retention 0 keeps them", "[accept]") {
    accepted_deliveries ids(accepted_deliveries_settings{.retention = 0ms, .max_ids = 3});
    for (int i = 1; i <= 5; ++i) {
        ids.add("d-" + std::to_string(i), i, i);
    }
    CHECK(ids.size() == 3);
    CHECK_FALSE(ids.contains("d-1", 5));
    CHECK_FALSE(ids.contains("d-2", 5));
    CHECK(ids.contains("d-3", 100 * day_ms));  // no retention: only the bound forgets
    CHECK(ids.contains("d-5", 5));
    accepted_deliveries none(accepted_deliveries_settings{.retention = 0ms, .max_ids = 0});
    none.add("d-1", 1, 1);
    CHECK_FALSE(none.contains("d-1", 1));
}

TEST_CASE("accepted deliveries: loaded from the store, accepted ones within the retention",
          "[accept][store]") {
    test::temp_dir dir;
    auto db = store::open(store_options{.data_dir = dir.path.string()});
    const std::int64_t now = 100 * day_ms;
    db->record_delivery(delivery("old", "accepted", now - 91 * day_ms), {job("old")});
    db->record_delivery(delivery("refused", "refused", now - day_ms), {});
    db->record_delivery(delivery("dup", "duplicate", now - day_ms), {});
    db->record_delivery(delivery("a-1", "accepted", now - 2 * day_ms), {job("a-1")});
    db->record_delivery(delivery("a-2", "accepted", now - day_ms), {});
    db->record_delivery(delivery("a-3", "accepted", now - 1000), {job("a-3")});

    auto ids = load_accepted_deliveries(*db, {}, now);  // the store's defaults: 90 days
    CHECK(ids.size() == 3);
    CHECK(ids.contains("a-1", now));
    CHECK(ids.contains("a-2", now));
    CHECK(ids.contains("a-3", now));
    CHECK_FALSE(ids.contains("old", now));
    CHECK_FALSE(ids.contains("refused", now));
    CHECK_FALSE(ids.contains("dup", now));

    // Bounded like the store's delivery cap: the newest are kept.
    auto newest = load_accepted_deliveries(*db, {.retention = 0ms, .max_ids = 2}, now);
    CHECK(newest.size() == 2);
    CHECK_FALSE(newest.contains("a-1", now));
    CHECK(newest.contains("a-2", now));
    CHECK(newest.contains("a-3", now));
    CHECK(
        load_accepted_deliveries(*db, {.retention = 0ms, .max_ids = 10}, now).contains("old", now));
}

}  // namespace accepted_deliveries_test
