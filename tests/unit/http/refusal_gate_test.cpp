#include <catch2/catch.hpp>

#include "http/refusal_gate.hpp"

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

TEST_CASE("refusal gate: the first N a second in full, the rest summed up once", "[http]") {
    agent::refusal_gate gate(3);
    const auto t0 = clock_type::time_point{} + 100s;
    CHECK(gate.admit(t0, "bad_signature"));
    CHECK(gate.admit(t0 + 10ms, "bad_signature"));
    CHECK(gate.would_admit(t0 + 15ms));
    CHECK(gate.admit(t0 + 20ms, "missing_signature"));
    CHECK_FALSE(gate.would_admit(t0 + 25ms));
    CHECK_FALSE(gate.admit(t0 + 30ms, "bad_signature"));
    CHECK_FALSE(gate.admit(t0 + 40ms, "missing_signature"));
    CHECK_FALSE(gate.admit(t0 + 50ms, "bad_signature"));
    CHECK(gate.holding());
    // The second is not over: nothing to say yet.
    CHECK_FALSE(gate.take_summary(t0 + 900ms).has_value());

    auto summary = gate.take_summary(t0 + 1100ms);
    REQUIRE(summary.has_value());
    CHECK(*summary == "3 more refused deliveries (bad_signature 2, missing_signature 1)");
    CHECK_FALSE(gate.holding());
    CHECK_FALSE(gate.take_summary(t0 + 1200ms).has_value());

    // A new second admits again.
    CHECK(gate.would_admit(t0 + 1300ms));
    CHECK(gate.admit(t0 + 1300ms, "bad_signature"));
}

TEST_CASE("refusal gate: a quiet sender is never held back", "[http]") {
    agent::refusal_gate gate(2);
    auto t = clock_type::time_point{} + 5s;
    for (int i = 0; i < 20; ++i) {
        CHECK(gate.admit(t, "bad_signature"));
        t += 600ms;
    }
    CHECK_FALSE(gate.take_summary(t).has_value());
}

TEST_CASE("refusal gate: seconds that end while nobody asks are summed up together", "[http]") {
    agent::refusal_gate gate(1);
    const auto t0 = clock_type::time_point{} + 100s;
    CHECK(gate.admit(t0, "a"));
    CHECK_FALSE(gate.admit(t0, "a"));
    // The next second starts with a refusal: the previous second's summary waits for the taker.
    CHECK(gate.admit(t0 + 1500ms, "b"));
    CHECK_FALSE(gate.admit(t0 + 1600ms, "b"));
    auto summary = gate.take_summary(t0 + 3s);
    REQUIRE(summary.has_value());
    CHECK(*summary == "1 more refused deliveries (a 1); 1 more refused deliveries (b 1)");
}
