#include <catch2/catch.hpp>

#include "secrets/secret_cache.hpp"

namespace secret_cache_test {

using agent::secret_cache;
using agent::secret_listing;
using agent::secret_scope;

TEST_CASE("cache entries are keyed by project, environment and path and expire", "[secrets]") {
    using namespace std::chrono;
    secret_cache cache(minutes(10));
    const auto t0 = steady_clock::time_point(hours(5));
    const secret_scope api{"p1", "prod", "/api"};
    cache.store(api, secret_listing{{{"DB", "one"}}, {}}, t0);
    cache.store({"p1", "dev", "/api"}, secret_listing{{{"DB", "dev"}}, {}}, t0);

    REQUIRE(cache.find(api, t0 + minutes(9)));
    CHECK(cache.find(api, t0 + minutes(9))->values.at("DB") == "one");
    CHECK(cache.find({"p1", "dev", "/api"}, t0)->values.at("DB") == "dev");
    CHECK_FALSE(cache.find({"p2", "prod", "/api"}, t0));
    CHECK_FALSE(cache.find(api, t0 + minutes(10)));  // too old: dropped
    CHECK(cache.size() == 1);
}

TEST_CASE("clearing drops the entries the change covers, and only those", "[secrets]") {
    const auto t0 = std::chrono::steady_clock::time_point(std::chrono::hours(5));
    secret_cache cache(std::chrono::hours(1));
    for (const char* path : {"/", "/api", "/api/v2", "/web"}) {
        cache.store({"p1", "prod", path}, {}, t0);
    }
    cache.store({"p1", "dev", "/api"}, {}, t0);
    cache.store({"p2", "prod", "/api"}, {}, t0);

    auto cleared = cache.clear_matching("p1", "prod", "/api");
    REQUIRE(cleared.size() == 2);
    CHECK(cleared[0].path == "/api");
    CHECK(cleared[1].path == "/api/v2");
    CHECK(cache.size() == 4);
    CHECK(cache.clear_matching("p1", "prod", "/api").empty());

    cleared = cache.clear_matching("p1", "prod", "/**");
    CHECK(cleared.size() == 2);  // "/" and "/web"
    CHECK(cache.size() == 2);    // other environment and project untouched
    CHECK(cache.clear_matching("p2", "", "/").size() == 1);
}

}  // namespace secret_cache_test
