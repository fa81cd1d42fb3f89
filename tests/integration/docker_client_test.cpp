// docker-client against the real engine the test command started (or the user's).
#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/create_request.hpp"
#include "support/engine.hpp"
#include "support/run_async.hpp"

namespace docker_client_test {

namespace dc = docker_client;
using test::run_async;

namespace {

std::string sleeper_body(const std::string& image) {
    return R"({"Image":")" + image +
           R"(","Cmd":["sleep","3600"],"StopSignal":"SIGKILL","Labels":{"io.deploy-agent.test":"1"}})";
}

}  // namespace

TEST_CASE("ping negotiates the API version from the daemon", "[docker]") {
    auto v = run_async([](auto ex) -> dc::net::awaitable<dc::engine_version> {
        auto client = dc::make_client(ex, test::engine_client_options());
        co_return co_await client->ping();
    });
    CHECK_FALSE(v.daemon_api_version.empty());
    CHECK_FALSE(v.engine_version.empty());
    // Never above what the client knows, never above what the daemon speaks.
    CHECK((v.api_version == v.daemon_api_version || v.api_version == dc::newest_api_version));
    auto server_api = test::docker_ok({"version", "--format", "{{.Server.APIVersion}}"});
    CHECK(v.daemon_api_version == server_api);
}

TEST_CASE("a missing container inspects as empty, not as an error", "[docker]") {
    auto info = run_async([](auto ex) -> dc::net::awaitable<std::optional<dc::container_info>> {
        auto client = dc::make_client(ex, test::engine_client_options());
        co_return co_await client->inspect_container("da-no-such-container-" +
                                                     test::unique_name("x"));
    });
    CHECK_FALSE(info.has_value());
}

TEST_CASE("an unreachable engine is a typed error naming the socket", "[docker]") {
    dc::client_options o;
    o.host = "unix:///tmp/da-no-such-engine.sock";
    try {
        run_async([o](auto ex) -> dc::net::awaitable<dc::engine_version> {
            auto client = dc::make_client(ex, o);
            co_return co_await client->ping();
        });
        FAIL("ping of a missing socket succeeded");
    } catch (const dc::error& e) {
        CHECK(e.status() == 0);
        CHECK_THAT(e.what(), Catch::Contains("/tmp/da-no-such-engine.sock"));
    }
}

TEST_CASE("create, start, stop, restart, rename and remove a container", "[docker]") {
    const std::string image = test::busybox_base_image();
    const std::string name = test::unique_name("da-life");
    const std::string renamed = name + "-renamed";
    test::scoped_container guard(name);
    test::scoped_container guard2(renamed);

    struct seen {
        std::string id;
        bool running_after_start = false;
        std::string started_at_1, started_at_2;
        bool running_after_stop = true;
        unsigned conflict_status = 0;
        bool renamed_found = false;
        bool gone_after_remove = false;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        seen r;
        r.id = co_await client->create_container(name, test::create_request(sleeper_body(image)));
        co_await client->start_container(r.id);
        co_await client->start_container(r.id);  // already started: not an error
        auto a = co_await client->inspect_container(name);
        r.running_after_start = a && a->state.running;
        r.started_at_1 = a ? a->state.started_at : "";
        co_await client->restart_container(r.id, {.timeout_seconds = 1});
        auto b = co_await client->inspect_container(r.id);
        r.started_at_2 = b ? b->state.started_at : "";
        try {
            co_await client->create_container(name, test::create_request(sleeper_body(image)));
        } catch (const dc::error& e) {
            r.conflict_status = e.status();
        }
        co_await client->stop_container(r.id, {.timeout_seconds = 1});
        co_await client->stop_container(r.id, {.timeout_seconds = 1});  // already stopped
        auto c = co_await client->inspect_container(r.id);
        r.running_after_stop = c && c->state.running;
        co_await client->rename_container(r.id, renamed);
        auto found = co_await client->inspect_container(renamed);
        r.renamed_found = found.has_value();
        co_await client->remove_container(r.id, {});
        auto gone = co_await client->inspect_container(r.id);
        r.gone_after_remove = !gone.has_value();
        co_return r;
    });
    CHECK_FALSE(s.id.empty());
    CHECK(s.running_after_start);
    CHECK(s.started_at_1 != s.started_at_2);
    CHECK(s.conflict_status == 409);
    CHECK_FALSE(s.running_after_stop);
    CHECK(s.renamed_found);
    CHECK(s.gone_after_remove);
}

TEST_CASE("pull an image pushed to the local registry", "[docker]") {
    const std::string ref = test::registry() + "/" + test::unique_name("da-pull") + ":v1";
    test::scoped_images images;
    images.add(ref);
    const std::string built = test::build_image(ref, "CMD [\"sleep\", \"3600\"]");
    test::docker_ok({"push", ref});
    test::docker_ok({"rmi", ref});

    struct seen {
        bool absent_before = false;
        std::optional<dc::image_info> after;
        int progress_lines = 0;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        seen r;
        auto before = co_await client->inspect_image(ref);
        r.absent_before = !before.has_value();
        co_await client->pull_image(ref, std::nullopt,
                                    [&](const dc::progress_event&) { ++r.progress_lines; });
        r.after = co_await client->inspect_image(ref);
        co_return r;
    });
    CHECK(s.absent_before);
    REQUIRE(s.after.has_value());
    CHECK(s.after->id == built);
    CHECK(s.progress_lines > 0);
}

TEST_CASE("pulling a tag the registry does not have is an error, not a success", "[docker]") {
    const std::string ref = test::registry() + "/" + test::unique_name("da-missing") + ":nope";
    try {
        run_async([&](auto ex) -> dc::net::awaitable<void> {
            auto client = dc::make_client(ex, test::engine_client_options());
            co_await client->pull_image(ref, std::nullopt, {});
        });
        FAIL("pull of a missing tag reported success");
    } catch (const dc::error& e) {
        CHECK_FALSE(e.daemon_message().empty());
    }
}

TEST_CASE("names that could escape the path are refused before any request", "[docker]") {
    for (std::string bad : {"../../containers/x", "a/b", "", "x?all=1", "x y"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(
            run_async([&](auto ex) -> dc::net::awaitable<std::optional<dc::container_info>> {
                auto client = dc::make_client(ex, test::engine_client_options());
                co_return co_await client->inspect_container(bad);
            }),
            dc::error);
    }
}

}  // namespace docker_client_test
