// client_options::on_failure: the client tells its observer (the agent's engine-error metric)
// about each failed exchange, and only about failures.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/engine.hpp"
#include "support/fake_engine.hpp"
#include "support/run_async.hpp"

namespace docker_failure_observer_test {

namespace dc = docker_client;
using test::run_async;

namespace {

struct observed {
    std::vector<std::string> kinds;
};

dc::client_options observed_options(const std::string& host,
                                    const std::shared_ptr<observed>& seen) {
    dc::client_options o;
    o.host = host;
    o.connect_timeout = std::chrono::milliseconds(500);
    o.call_timeout = std::chrono::milliseconds(500);
    o.on_failure = [seen](std::string_view kind) { seen->kinds.emplace_back(kind); };
    return o;
}

}  // namespace

TEST_CASE("a 500, a 409 and an unreachable engine are told, a 404 and successes are not",
          "[docker]") {
    auto rules = test::negotiation_rules("1.41");
    rules.push_back({"GET", "/containers/missing/json",
                     test::http_response(404, R"({"message":"No such container: missing"})"),
                     test::fake_rule::then::close});
    rules.push_back({"POST", "/containers/busy/start",
                     test::http_response(409, R"({"message":"conflict"})"), test::fake_rule::then::close});
    rules.push_back({"POST", "/containers/broken/start",
                     test::http_response(500, R"({"message":"boom"})"), test::fake_rule::then::close});
    test::fake_engine fake(rules);
    auto seen = std::make_shared<observed>();
    const auto o = observed_options(fake.host(), seen);

    run_async([o](auto ex) -> dc::net::awaitable<void> {
        auto client = dc::make_client(ex, o);
        co_await client->ping();
        auto none = co_await client->inspect_container("missing");
        CHECK_FALSE(none.has_value());
        for (const char* id : {"busy", "broken"}) {
            try {
                co_await client->start_container(id);
            } catch (const dc::error&) {
            }
        }
    });
    CHECK(seen->kinds == std::vector<std::string>{"4xx", "5xx"});

    auto gone = std::make_shared<observed>();
    const auto nowhere =
        observed_options("unix:///tmp/" + test::unique_name("da-no-engine") + ".sock", gone);
    CHECK_THROWS_AS(run_async([nowhere](auto ex) -> dc::net::awaitable<void> {
                        auto client = dc::make_client(ex, nowhere);
                        co_await client->ping();
                    }),
                    dc::error);
    CHECK(gone->kinds == std::vector<std::string>{"transport"});
}

}  // namespace docker_failure_observer_test
