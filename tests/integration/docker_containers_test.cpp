// Container calls against the real engine: list filters, kill, wait, logs, health, stop timeouts,
// anonymous volumes.
#include <chrono>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/create_request.hpp"
#include "support/engine.hpp"
#include "support/run_async.hpp"

namespace docker_containers_test {

namespace dc = docker_client;
using test::run_async;

namespace {

std::string body(const std::string& cmd_json, const std::string& extra = "") {
    return R"({"Image":")" + test::busybox_base_image() + R"(","Cmd":)" + cmd_json +
           R"(,"Labels":{"io.deploy-agent.test":"1"})" + extra + "}";
}

dc::net::awaitable<void> sleep_ms(int ms) {
    dc::net::steady_timer t(co_await dc::net::this_coro::executor, std::chrono::milliseconds(ms));
    co_await t.async_wait(dc::net::use_awaitable);
}

}  // namespace

TEST_CASE("list containers by label and by name", "[docker]") {
    const std::string a = test::unique_name("da-list-a");
    const std::string b = test::unique_name("da-list-b");
    test::scoped_container ga(a);
    test::scoped_container gb(b);
    const std::string group = test::unique_name("group");
    struct seen {
        std::size_t by_label = 0, by_name = 0, by_label_running = 0, none = 0;
        std::string name_found;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        std::string labels =
            R"(,"Labels":{"io.deploy-agent.test":"1","da.group":")" + group + R"("})";
        std::string extra_a = R"({"Image":")" + test::busybox_base_image() +
                              R"(","Cmd":["sleep","3600"],"StopSignal":"SIGKILL")" + labels + "}";
        co_await client->create_container(a, test::create_request(extra_a));
        co_await client->create_container(b, test::create_request(extra_a));
        co_await client->start_container(a);
        seen r;
        dc::container_list_options by_label;
        by_label.labels = {"da.group=" + group};
        auto labelled = co_await client->list_containers(by_label);
        r.by_label = labelled.size();
        by_label.all = false;
        auto running = co_await client->list_containers(by_label);
        r.by_label_running = running.size();
        dc::container_list_options by_name;
        by_name.names = {"^/" + b + "$"};
        auto named = co_await client->list_containers(by_name);
        r.by_name = named.size();
        r.name_found = named.empty() || named[0].names.empty() ? "" : named[0].names[0];
        dc::container_list_options none;
        none.labels = {"da.group=" + group + "-nobody"};
        auto nobody = co_await client->list_containers(none);
        r.none = nobody.size();
        co_return r;
    });
    CHECK(s.by_label == 2);
    CHECK(s.by_label_running == 1);
    CHECK(s.by_name == 1);
    CHECK(s.name_found == b);
    CHECK(s.none == 0);
}

TEST_CASE("kill, wait and logs with a tail", "[docker]") {
    const std::string name = test::unique_name("da-kill");
    const std::string talker = test::unique_name("da-logs");
    test::scoped_container g1(name);
    test::scoped_container g2(talker);
    struct seen {
        std::int64_t killed_code = 0;
        unsigned kill_stopped_status = 0;
        std::int64_t exit_code = 0;
        dc::container_logs tail;
        dc::container_logs all;
        unsigned logs_missing_status = 0;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        seen r;
        auto id = co_await client->create_container(
            name, test::create_request(body(R"(["sleep","3600"])")));
        co_await client->start_container(id);
        co_await client->kill_container(id, "SIGKILL");
        auto killed = co_await client->wait_container(id, {});
        r.killed_code = killed.status_code;
        try {
            co_await client->kill_container(id, "SIGKILL");
        } catch (const dc::error& e) {
            r.kill_stopped_status = e.status();
        }
        auto tid = co_await client->create_container(
            talker,
            test::create_request(body(
                R"(["sh","-c","for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; exit 3"])")));
        co_await client->start_container(tid);
        auto exited = co_await client->wait_container(tid, {});
        r.exit_code = exited.status_code;
        dc::log_options tail_opts;
        tail_opts.tail = 2;
        r.tail = co_await client->logs(tid, tail_opts);
        r.all = co_await client->logs(tid, {});
        try {
            co_await client->logs("da-no-such-" + test::unique_name("c"), {});
        } catch (const dc::error& e) {
            r.logs_missing_status = e.status();
        }
        co_return r;
    });
    CHECK(s.killed_code == 137);
    CHECK(s.kill_stopped_status == 409);
    CHECK(s.exit_code == 3);
    CHECK(s.all.out == "line1\nline2\nline3\nline4\nline5\n");
    CHECK(s.all.err == "oops\n");
    CHECK_THAT(s.tail.out, !Catch::Contains("line1"));
    CHECK(s.tail.out + s.tail.err != s.all.out + s.all.err);
    CHECK(s.logs_missing_status == 404);
}

TEST_CASE("health status is read from inspect", "[docker]") {
    const std::string good = test::unique_name("da-healthy");
    const std::string bad = test::unique_name("da-unhealthy");
    test::scoped_container g1(good);
    test::scoped_container g2(bad);
    auto hc = [](const char* cmd) {
        return std::string(R"(,"StopSignal":"SIGKILL","Healthcheck":{"Test":["CMD-SHELL",")") +
               cmd + R"("],"Interval":200000000,"Timeout":2000000000,"Retries":1})";
    };
    struct seen {
        std::string good_health, bad_health, bad_output;
        int bad_streak = 0;
        bool no_health_without_check = false;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        auto g = co_await client->create_container(
            good, test::create_request(body(R"(["sleep","3600"])", hc("true"))));
        auto b = co_await client->create_container(
            bad, test::create_request(body(R"(["sleep","3600"])", hc("echo sick; exit 1"))));
        co_await client->start_container(g);
        co_await client->start_container(b);
        seen r;
        for (int i = 0; i < 50; ++i) {
            auto gi = co_await client->inspect_container(g);
            auto bi = co_await client->inspect_container(b);
            r.good_health = gi ? gi->state.health.value_or("") : "";
            r.bad_health = bi ? bi->state.health.value_or("") : "";
            if (bi) {
                r.bad_streak = bi->state.health_failing_streak;
                r.bad_output = bi->state.health_last_output;
            }
            if (r.good_health == "healthy" && r.bad_health == "unhealthy") {
                break;
            }
            co_await sleep_ms(200);
        }
        co_return r;
    });
    CHECK(s.good_health == "healthy");
    CHECK(s.bad_health == "unhealthy");
    CHECK(s.bad_streak >= 1);
    CHECK_THAT(s.bad_output, Catch::Contains("sick"));
}

TEST_CASE("stop honours the container's own StopTimeout, or the one given", "[docker]") {
    // PID 1 without a TERM handler ignores SIGTERM: only the kill after the timeout stops it.
    const std::string name = test::unique_name("da-stubborn");
    test::scoped_container guard(name);
    struct seen {
        double own_timeout_s = 0, given_timeout_s = 0;
        bool running_after = true;
        std::int64_t exit_code = 0;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        auto id = co_await client->create_container(
            name, test::create_request(body(R"(["sleep","3600"])", R"(,"StopTimeout":3)")));
        seen r;
        co_await client->start_container(id);
        auto t0 = std::chrono::steady_clock::now();
        co_await client->stop_container(id, {});
        r.own_timeout_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        co_await client->start_container(id);
        t0 = std::chrono::steady_clock::now();
        co_await client->stop_container(id, {.timeout_seconds = 1});
        r.given_timeout_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        auto info = co_await client->inspect_container(id);
        r.running_after = info && info->state.running;
        r.exit_code = info ? info->state.exit_code : 0;
        co_return r;
    });
    CHECK(s.own_timeout_s >= 2.5);
    CHECK(s.own_timeout_s < 8.0);  // not the daemon's default 10 s
    CHECK(s.given_timeout_s >= 0.8);
    CHECK(s.given_timeout_s < 2.8);
    CHECK_FALSE(s.running_after);
    CHECK(s.exit_code == 137);
}

TEST_CASE("remove with and without the anonymous volumes", "[docker]") {
    const std::string keep = test::unique_name("da-vol-keep");
    const std::string drop = test::unique_name("da-vol-drop");
    test::scoped_container g1(keep);
    test::scoped_container g2(drop);
    std::string vol_body = body(R"(["true"])", R"(,"Volumes":{"/data":{}})");
    run_async([&](auto ex) -> dc::net::awaitable<void> {
        auto client = dc::make_client(ex, test::engine_client_options());
        co_await client->create_container(keep, test::create_request(vol_body));
        co_await client->create_container(drop, test::create_request(vol_body));
    });
    auto volume_of = [](const std::string& c) {
        return test::docker_ok({"inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", c});
    };
    const std::string kept_volume = volume_of(keep);
    const std::string dropped_volume = volume_of(drop);
    REQUIRE_FALSE(kept_volume.empty());
    REQUIRE_FALSE(dropped_volume.empty());
    run_async([&](auto ex) -> dc::net::awaitable<void> {
        auto client = dc::make_client(ex, test::engine_client_options());
        co_await client->remove_container(keep, {});
        co_await client->remove_container(drop, {.force = false, .remove_volumes = true});
    });
    CHECK(test::docker({"volume", "inspect", kept_volume}).exit_code == 0);
    CHECK(test::docker({"volume", "inspect", dropped_volume}).exit_code != 0);
    test::docker({"volume", "rm", kept_volume});
}

TEST_CASE("container calls on a missing container fail with 404", "[docker]") {
    const std::string missing = "da-no-such-" + test::unique_name("c");
    std::vector<unsigned> statuses;
    run_async([&](auto ex) -> dc::net::awaitable<void> {
        auto client = dc::make_client(ex, test::engine_client_options());
        for (int step = 0; step < 4; ++step) {
            unsigned status = 0;
            try {
                if (step == 0) {
                    co_await client->start_container(missing);
                } else if (step == 1) {
                    co_await client->stop_container(missing, {.timeout_seconds = 1});
                } else if (step == 2) {
                    co_await client->remove_container(missing, {});
                } else {
                    co_await client->wait_container(missing, {});
                }
            } catch (const dc::error& e) {
                status = e.status();
            }
            statuses.push_back(status);
        }
    });
    CHECK(statuses == std::vector<unsigned>{404, 404, 404, 404});
}

TEST_CASE("creating from a missing image fails with 404 and the daemon's message", "[docker]") {
    const std::string name = test::unique_name("da-noimg");
    test::scoped_container guard(name);
    try {
        run_async([&](auto ex) -> dc::net::awaitable<std::string> {
            auto client = dc::make_client(ex, test::engine_client_options());
            co_return co_await client->create_container(
                name,
                test::create_request(
                    R"({"Image":"da-test/no-such-image:nope","Labels":{"io.deploy-agent.test":"1"}})"));
        });
        FAIL("create from a missing image succeeded");
    } catch (const dc::error& e) {
        CHECK(e.status() == 404);
        CHECK_THAT(e.daemon_message(), Catch::Contains("no-such-image"));
    }
}

}  // namespace docker_containers_test
