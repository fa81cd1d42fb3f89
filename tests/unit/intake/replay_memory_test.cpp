#include <catch2/catch.hpp>

#include "intake/replay_memory.hpp"

namespace replay_memory_test {

using agent::replay_memory;

TEST_CASE("replay memory: keys until they expire, forgotten on request", "[intake]") {
    replay_memory m;
    m.remember("infisical:a", 1000, 0);
    m.remember("github:b", 0, 0);
    CHECK(m.seen("infisical:a", 999));
    CHECK_FALSE(m.seen("infisical:a", 1000));
    CHECK(m.seen("github:b", 1'000'000'000));
    CHECK_FALSE(m.seen("github:c", 0));
    m.forget("github:b");
    CHECK_FALSE(m.seen("github:b", 0));
}

TEST_CASE("replay memory is bounded: expired first, then the soonest to expire", "[intake]") {
    replay_memory m(3);
    m.remember("old", 10, 0);
    m.remember("forever", 0, 0);
    m.remember("later", 500, 0);
    m.remember("new", 600, 20);  // "old" has expired: it goes
    CHECK(m.size() == 3);
    CHECK_FALSE(m.seen("old", 5));
    m.remember("newest", 700, 30);  // full, nothing expired: "later" (500) goes
    CHECK(m.size() == 3);
    CHECK_FALSE(m.seen("later", 30));
    CHECK(m.seen("forever", 30));
    CHECK(m.seen("new", 30));
    CHECK(m.seen("newest", 30));
}

}  // namespace replay_memory_test
