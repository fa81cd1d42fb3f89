#include <catch2/catch.hpp>

#include <string>

#include "http/connection_registry.hpp"

namespace connection_registry_test {

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

TEST_CASE("connection registry: a connection stalled on writing counts as idle, per peer too",
          "[http]") {
    using namespace std::chrono_literals;
    agent::connection_registry registry;
    const auto t0 = agent::connection_registry::clock_type::now();
    int evicted = -1;
    auto a = registry.add("198.51.100.1");
    a->evict = [&] { evicted = 0; };
    auto b = registry.add("198.51.100.2");
    b->evict = [&] { evicted = 1; };
    auto c = registry.add("198.51.100.2");
    c->evict = [&] { evicted = 2; };
    for (auto h : {a, b, c}) {
        h->busy = true;
    }
    CHECK(registry.open_from("198.51.100.2") == 2);
    // Writing, with progress 100 ms ago: not stalled yet.
    c->writing = true;
    c->progress = t0;
    CHECK_FALSE(registry.evict_oldest_idle(t0 + 100ms, 1s));
    // No progress for a second: evictable; only the peer's own when asked for a peer.
    const std::string other = "198.51.100.1";
    CHECK_FALSE(registry.evict_oldest_idle(t0 + 1s, 1s, &other));
    const std::string peer = "198.51.100.2";
    CHECK(registry.evict_oldest_idle(t0 + 1s, 1s, &peer));
    CHECK(evicted == 2);
    CHECK(registry.open_from("198.51.100.2") == 1);
    for (auto h : {a, b, c}) {
        registry.remove(h);
    }
}

}  // namespace connection_registry_test
