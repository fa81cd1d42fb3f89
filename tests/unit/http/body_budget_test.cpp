#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "http/body_budget.hpp"

namespace body_budget_test {

namespace {

using agent::body_budget;
using agent::body_reservation;
using namespace std::chrono_literals;

}  // namespace

TEST_CASE("body budget: reservations grow, fail without taking, and give back", "[http]") {
    body_budget budget(100);
    {
        body_reservation one(budget, "192.0.2.1");
        CHECK(one.hold_at_least(60));
        body_reservation two(budget, "192.0.2.1");
        CHECK_FALSE(two.hold_at_least(50));  // same address: nothing to take from another
        CHECK(two.held() == 0);
        CHECK(two.hold_at_least(40));
        CHECK(budget.used() == 100);
        CHECK(one.hold_at_least(30));  // already held
        CHECK(budget.held_by("192.0.2.1") == 100);
    }
    CHECK(budget.used() == 0);
}

TEST_CASE("body budget: a declared length holds nothing, bytes held by a greedier address are "
          "taken, its slowest body first",
          "[http]") {
    body_budget budget(100);
    const auto t0 = body_budget::clock_type::now();
    int taken_fast = 0;
    int taken_slow = 0;
    body_reservation fast(budget, "198.51.100.1", [&] { ++taken_fast; });
    body_reservation slow(budget, "198.51.100.1", [&] { ++taken_slow; });
    fast.start_reading(t0);
    slow.start_reading(t0);
    REQUIRE(fast.hold_at_least(60, t0 + 1s));
    REQUIRE(slow.hold_at_least(40, t0 + 1s));
    CHECK(budget.used() == 100);

    // Another address needs 10 bytes: the slowest body of the address holding the most goes.
    body_reservation signed_push(budget, "203.0.113.7");
    signed_push.start_reading(t0 + 1s);
    CHECK(signed_push.hold_at_least(10, t0 + 1s));
    CHECK(taken_slow == 1);
    CHECK(taken_fast == 0);
    CHECK(slow.taken());
    CHECK(slow.held() == 0);
    CHECK_FALSE(slow.hold_at_least(1, t0 + 1s));  // taken for good
    CHECK(budget.used() == 70);
    CHECK(budget.held_by("198.51.100.1") == 60);
}

TEST_CASE("body budget: an address never takes from one holding less than it would, and a "
          "request that cannot fit takes nothing",
          "[http]") {
    body_budget budget(100);
    const auto t0 = body_budget::clock_type::now();
    body_reservation a(budget, "198.51.100.1");
    body_reservation b(budget, "198.51.100.2");
    a.start_reading(t0);
    b.start_reading(t0);
    REQUIRE(a.hold_at_least(50, t0));
    REQUIRE(b.hold_at_least(50, t0));
    // b asking for more would hold more than a: refused, a keeps its bytes.
    CHECK_FALSE(b.hold_at_least(60, t0));
    CHECK_FALSE(a.taken());
    // A body larger than the whole budget takes nothing from anyone.
    body_reservation huge(budget, "203.0.113.7");
    huge.start_reading(t0);
    CHECK_FALSE(huge.hold_at_least(101, t0));
    CHECK_FALSE(a.taken());
    CHECK_FALSE(b.taken());
    // A body whose reading is over (its handler runs) is never taken.
    a.stop_reading();
    b.stop_reading();
    body_reservation small(budget, "203.0.113.8");
    CHECK_FALSE(small.hold_at_least(1, t0));
    CHECK(budget.used() == 100);
}

TEST_CASE("body budget: many anonymous addresses cannot starve a small body from another",
          "[http]") {
    body_budget budget(1000);
    const auto t0 = body_budget::clock_type::now();
    std::vector<std::unique_ptr<body_reservation>> flood;
    for (int i = 0; i < 50; ++i) {
        flood.push_back(
            std::make_unique<body_reservation>(budget, "198.51.100." + std::to_string(i)));
        flood.back()->start_reading(t0);
        flood.back()->hold_at_least(20, t0);
    }
    CHECK(budget.used() == 1000);
    body_reservation signed_push(budget, "203.0.113.7");
    signed_push.start_reading(t0);
    CHECK(signed_push.hold_at_least(15, t0));
    CHECK(budget.used() <= 1000);
}

}  // namespace body_budget_test
