#include <catch2/catch.hpp>

#include "http/connection_registry.hpp"

TEST_CASE("connection registry: the oldest idle connection is evicted, busy ones never", "[http]") {
    agent::connection_registry registry;
    int evicted = -1;
    auto a = registry.add();
    a->evict = [&] { evicted = 0; };
    auto b = registry.add();
    b->evict = [&] { evicted = 1; };
    auto c = registry.add();
    c->evict = [&] { evicted = 2; };
    CHECK(registry.open() == 3);
    a->busy = true;
    CHECK(registry.evict_oldest_idle());
    CHECK(evicted == 1);
    CHECK(registry.open() == 2);
    c->busy = true;
    CHECK_FALSE(registry.evict_oldest_idle());
    registry.remove(b);  // the evicted session ends
    CHECK(registry.open() == 2);
    registry.remove(a);
    CHECK(registry.open() == 1);
    // Evicted before its session started: only marked.
    auto d = registry.add();
    CHECK(registry.evict_oldest_idle());
    CHECK(d->evicted);
    registry.remove(d);
    registry.remove(c);
    CHECK(registry.open() == 0);
}
