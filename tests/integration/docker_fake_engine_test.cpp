// What a real engine cannot do on demand: drop a connection mid-stream, send malformed JSON,
// hang, speak an old API. Each case must end in a typed error, never in a success or a hang.
#include <chrono>

#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/create_request.hpp"
#include "support/engine.hpp"
#include "support/fake_engine.hpp"
#include "support/run_async.hpp"

namespace docker_fake_engine_test {

namespace dc = docker_client;
using test::fake_rule;
using test::run_async;

namespace {

dc::client_options fast_options(const test::fake_engine& fake) {
    dc::client_options o;
    o.host = fake.host();
    o.connect_timeout = std::chrono::milliseconds(500);
    o.call_timeout = std::chrono::milliseconds(500);
    o.stream_idle_timeout = std::chrono::milliseconds(500);
    return o;
}

std::vector<fake_rule> engine_141(std::vector<fake_rule> more) {
    auto rules = test::negotiation_rules("1.41");
    rules.insert(rules.end(), more.begin(), more.end());
    return rules;
}

// Runs `call` and returns the error it threw; fails the test when it succeeded.
template <class Make>
dc::error expect_error(Make make) {
    try {
        run_async(make);
    } catch (const dc::error& e) {
        return e;
    }
    FAIL("the call reported success");
    return dc::error(0, "", "");
}

}  // namespace

TEST_CASE("an engine older than API 1.41 is refused with an upgrade hint", "[docker]") {
    test::fake_engine fake(test::negotiation_rules("1.24", "1.12"));
    auto o = fast_options(fake);
    auto e = expect_error([o](auto ex) -> dc::net::awaitable<dc::engine_version> {
        auto client = dc::make_client(ex, o);
        co_return co_await client->ping();
    });
    CHECK(e.status() == 0);
    CHECK_THAT(e.what(), Catch::Contains("1.24") && Catch::Contains("upgrade the engine"));
}

TEST_CASE("a newer engine is spoken to at the newest version the client knows", "[docker]") {
    test::fake_engine fake(test::negotiation_rules("1.52", "1.44"));
    auto o = fast_options(fake);
    auto v = run_async([o](auto ex) -> dc::net::awaitable<dc::engine_version> {
        auto client = dc::make_client(ex, o);
        co_return co_await client->ping();
    });
    CHECK(v.api_version == dc::newest_api_version);
    CHECK(v.daemon_api_version == "1.52");
    CHECK(v.min_api_version == "1.44");
}

TEST_CASE("an engine whose minimum API is above the client's newest is refused", "[docker]") {
    test::fake_engine fake(test::negotiation_rules("1.60", "1.50"));
    auto o = fast_options(fake);
    auto e = expect_error([o](auto ex) -> dc::net::awaitable<dc::engine_version> {
        auto client = dc::make_client(ex, o);
        co_return co_await client->ping();
    });
    CHECK_THAT(e.what(), Catch::Contains("upgrade deploy-agent"));
}

TEST_CASE("a hanging engine is cut off by the call's deadline", "[docker]") {
    test::fake_engine fake(engine_141(
        {{"GET", "/containers/", "", fake_rule::then::hang},
         {"POST", "/images/create", test::chunked_head_and({}), fake_rule::then::hang}}));
    auto o = fast_options(fake);
    auto started = std::chrono::steady_clock::now();
    auto e = expect_error([o](auto ex) -> dc::net::awaitable<std::optional<dc::container_info>> {
        auto client = dc::make_client(ex, o);
        co_return co_await client->inspect_container("web");
    });
    CHECK(e.status() == 0);
    CHECK_THAT(e.what(), Catch::Contains("did not answer in time"));
    // A progress stream that goes silent is cut off by the idle deadline too.
    auto e2 = expect_error([o](auto ex) -> dc::net::awaitable<void> {
        auto client = dc::make_client(ex, o);
        co_await client->pull_image("example/web:1", std::nullopt, {});
    });
    CHECK(e2.status() == 0);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("a connection dropped in the middle of a pull stream is a failure", "[docker]") {
    std::string line = R"({"status":"Pulling fs layer","id":"abc"})"
                       "\n";
    test::fake_engine fake(
        engine_141({{"POST", "/images/create", test::chunked_head_and({line})}}));
    auto o = fast_options(fake);
    int progress = 0;
    auto e = expect_error([o, &progress](auto ex) -> dc::net::awaitable<void> {
        auto client = dc::make_client(ex, o);
        co_await client->pull_image("example/web:1", std::nullopt,
                                    [&progress](const dc::progress_event&) { ++progress; });
    });
    CHECK(e.status() == 0);
    CHECK(progress == 1);
}

TEST_CASE("malformed JSON from the engine is a typed error", "[docker]") {
    test::fake_engine fake(engine_141({
        {"GET", "/containers/web/json", test::http_response(200, R"({"Id": "abc", "State": {)")},
        {"GET", "/containers/json", test::http_response(200, R"({"not":"an array"})")},
        {"POST", "/images/create", test::http_response(200, "{\"status\":\"ok\"}\n{broken\n")},
    }));
    auto o = fast_options(fake);
    auto e = expect_error([o](auto ex) -> dc::net::awaitable<std::optional<dc::container_info>> {
        auto client = dc::make_client(ex, o);
        co_return co_await client->inspect_container("web");
    });
    CHECK_THAT(e.what(), Catch::Contains("malformed JSON"));
    auto e2 = expect_error([o](auto ex) -> dc::net::awaitable<std::vector<dc::container_summary>> {
        auto client = dc::make_client(ex, o);
        co_return co_await client->list_containers({});
    });
    CHECK_THAT(e2.what(), Catch::Contains("array"));
    auto e3 = expect_error([o](auto ex) -> dc::net::awaitable<void> {
        auto client = dc::make_client(ex, o);
        co_await client->pull_image("example/web:1", std::nullopt, {});
    });
    CHECK_THAT(e3.what(), Catch::Contains("malformed"));
}

TEST_CASE("a body limit stops an oversized plain answer", "[docker]") {
    test::fake_engine fake(engine_141(
        {{"GET", "/containers/web/json", test::http_response(200, std::string(4096, ' '))}}));
    auto o = fast_options(fake);
    o.response_body_limit = 1024;
    auto e = expect_error([o](auto ex) -> dc::net::awaitable<std::optional<dc::container_info>> {
        auto client = dc::make_client(ex, o);
        co_return co_await client->inspect_container("web");
    });
    CHECK(e.status() == 0);
}

TEST_CASE("below API 1.44 a create with several networks becomes create + connect", "[docker]") {
    test::fake_engine fake(engine_141({
        {"POST", "/containers/create",
         test::http_response(201, R"({"Id":"c0ffee","Warnings":[]})")},
        {"POST", "/networks/", test::http_response(200, "")},
    }));
    auto o = fast_options(fake);
    std::string body =
        R"({"Image":"x","HostConfig":{"NetworkMode":"front"},"NetworkingConfig":{"EndpointsConfig":)"
        R"({"back":{"Aliases":["db-client"]},"front":{"Aliases":["web"]}}}})";
    auto id = run_async([o, body](auto ex) -> dc::net::awaitable<std::string> {
        auto client = dc::make_client(ex, o);
        co_return co_await client->create_container("web", test::create_request(body));
    });
    CHECK(id == "c0ffee");
    auto seen = fake.requests();
    REQUIRE(seen.size() == 4);  // _ping, version, create, connect
    CHECK_THAT(seen[2], Catch::Contains("POST /v1.41/containers/create?name=web"));
    CHECK_THAT(seen[2], Catch::Contains(R"("front":{"Aliases":["web"]})"));
    CHECK_THAT(seen[2], !Catch::Contains("back"));
    CHECK_THAT(seen[3], Catch::Contains("POST /v1.41/networks/back/connect"));
    CHECK_THAT(seen[3], Catch::Contains(
                            R"("Container":"c0ffee","EndpointConfig":{"Aliases":["db-client"]})"));
}

TEST_CASE("create fields the engine's API is too old for are refused before sending", "[docker]") {
    test::fake_engine fake(engine_141({}));
    auto o = fast_options(fake);
    std::string body =
        R"({"Image":"x","Healthcheck":{"Test":["CMD","true"],"StartInterval":1000000000}})";
    auto e = expect_error([o, body](auto ex) -> dc::net::awaitable<std::string> {
        auto client = dc::make_client(ex, o);
        co_return co_await client->create_container("web", test::create_request(body));
    });
    CHECK(e.status() == 0);
    CHECK_THAT(e.what(), Catch::Contains("Healthcheck.StartInterval") && Catch::Contains("1.44"));
    for (const auto& r : fake.requests()) {
        CHECK_THAT(r, !Catch::Contains("/containers/create"));
    }
}

TEST_CASE("a dropped build stream is a failure, not an image", "[docker]") {
    std::string line = R"({"stream":"Step 1/2 : FROM scratch\n"})"
                       "\n";
    test::fake_engine fake(engine_141({{"POST", "/build", test::chunked_head_and({line})}}));
    auto o = fast_options(fake);
    test::scoped_context context("FROM scratch\nCOPY busybox /bin/busybox\n");
    std::vector<std::string> lines;
    auto e = expect_error([o, &context, &lines](auto ex) -> dc::net::awaitable<dc::build_result> {
        auto client = dc::make_client(ex, o);
        dc::build_options b;
        b.context_dir = context.path();
        co_return co_await client->build_image(
            b, [&lines](std::string_view l) { lines.emplace_back(l); });
    });
    CHECK(e.status() == 0);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "Step 1/2 : FROM scratch");
}

}  // namespace docker_fake_engine_test
