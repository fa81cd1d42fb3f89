// The engine's event stream: events seen for a start and a stop, and a stream that ends by
// cancellation, by silence and by `until`.
#include <chrono>
#include <ctime>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/create_request.hpp"
#include "support/engine.hpp"
#include "support/run_async.hpp"

namespace docker_events_test {

namespace dc = docker_client;
using test::run_async;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

struct watch_state {
    std::vector<std::string> actions;
};

dc::net::awaitable<dc::events_end> watch(dc::docker_api* client, dc::event_filter filter,
                                         watch_state* state) {
    auto on_event = [state](const dc::engine_event& e) {
        state->actions.push_back(e.action);
        return e.action != "stop";
    };
    co_return co_await client->watch_events(std::move(filter), on_event);
}

dc::net::awaitable<void> act(dc::docker_api* client, std::string name, std::string image) {
    dc::net::steady_timer t(co_await dc::net::this_coro::executor, std::chrono::milliseconds(300));
    co_await t.async_wait(dc::net::use_awaitable);
    std::string body =
        R"({"Image":")" + image +
        R"(","Cmd":["sleep","3600"],"StopSignal":"SIGKILL","Labels":{"io.deploy-agent.test":"1"}})";
    auto id = co_await client->create_container(name, test::create_request(body));
    co_await client->start_container(id);
    co_await client->stop_container(id, {.timeout_seconds = 1});
}

dc::net::awaitable<void> nap(int ms) {
    dc::net::steady_timer t(co_await dc::net::this_coro::executor, std::chrono::milliseconds(ms));
    auto [ec] = co_await t.async_wait(dc::net::as_tuple(dc::net::use_awaitable));
    (void)ec;
}

}  // namespace

TEST_CASE("events: a start and a stop are seen live", "[docker]") {
    const std::string name = test::unique_name("da-events");
    const std::string image = test::busybox_base_image();
    test::scoped_container guard(name);
    watch_state state;
    auto end = run_async([&](auto ex) -> dc::net::awaitable<dc::events_end> {
        auto client = dc::make_client(ex, test::engine_client_options());
        dc::event_filter filter;
        filter.containers = {name};
        filter.labels = {"io.deploy-agent.test=1"};
        filter.idle_limit = std::chrono::seconds(20);
        auto result =
            co_await (watch(client.get(), filter, &state) && act(client.get(), name, image));
        co_return result;
    });
    CHECK(end == dc::events_end::stopped_by_callback);
    auto has = [&](const std::string& a) {
        return std::find(state.actions.begin(), state.actions.end(), a) != state.actions.end();
    };
    CHECK(has("create"));
    CHECK(has("start"));
    CHECK(has("die"));
    CHECK(has("stop"));
}

TEST_CASE("events: the stream ends on cancellation, on silence and at until", "[docker]") {
    const std::string nobody = test::unique_name("da-nobody");
    struct seen {
        bool timer_won = false;
        double cancel_s = 0;
        dc::events_end idle = dc::events_end::cancelled;
        dc::events_end until = dc::events_end::cancelled;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        seen r;
        dc::event_filter filter;
        filter.containers = {nobody};
        watch_state state;
        auto t0 = std::chrono::steady_clock::now();
        auto which = co_await (watch(client.get(), filter, &state) || nap(300));
        r.timer_won = which.index() == 1;
        r.cancel_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        filter.idle_limit = std::chrono::milliseconds(300);
        r.idle = co_await client->watch_events(filter, {});
        dc::event_filter bounded;
        bounded.containers = {nobody};
        bounded.since = std::time(nullptr) - 5;
        bounded.until = std::time(nullptr) + 1;
        bounded.idle_limit = std::chrono::seconds(10);
        r.until = co_await client->watch_events(bounded, {});
        co_return r;
    });
    CHECK(s.timer_won);
    CHECK(s.cancel_s < 2.0);
    CHECK(s.idle == dc::events_end::idle);
    CHECK(s.until == dc::events_end::until_reached);
}

}  // namespace docker_events_test
