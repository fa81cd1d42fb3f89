// Swarm services on a single-node swarm: an update to a new image (pinned by digest) that
// completes, and one whose healthcheck fails so that Swarm rolls it back.
#include <algorithm>
#include <chrono>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/engine.hpp"
#include "support/run_async.hpp"

namespace docker_swarm_test {

namespace dc = docker_client;
using test::run_async;

namespace {

dc::net::awaitable<void> sleep_ms(int ms) {
    dc::net::steady_timer t(co_await dc::net::this_coro::executor, std::chrono::milliseconds(ms));
    co_await t.async_wait(dc::net::use_awaitable);
}

// Polls the service until its UpdateStatus.State is one of `wanted` (or a deadline passes);
// returns the states seen, in order, without repeats.
dc::net::awaitable<std::vector<std::string>> wait_for_state(dc::docker_api* client,
                                                            std::string name,
                                                            std::vector<std::string> wanted) {
    std::vector<std::string> seen;
    for (int i = 0; i < 300; ++i) {
        auto info = co_await client->inspect_service(name);
        std::string state = info ? info->update_status.state : "";
        if (!state.empty() && (seen.empty() || seen.back() != state)) {
            seen.push_back(state);
        }
        if (std::find(wanted.begin(), wanted.end(), state) != wanted.end()) {
            break;
        }
        co_await sleep_ms(200);
    }
    co_return seen;
}

}  // namespace

TEST_CASE("swarm: a service is updated to a new image, and a failing one is rolled back",
          "[docker]") {
    test::swarm_session swarm;
    const std::string repo = test::registry() + "/" + test::unique_name("da-svc");
    test::scoped_images images;
    const std::string healthy =
        "HEALTHCHECK --interval=1s --timeout=2s --retries=1 CMD true\n"
        "CMD [\"sleep\", \"3600\"]";
    const std::string sick =
        "HEALTHCHECK --interval=1s --timeout=2s --retries=1 CMD false\n"
        "CMD [\"sleep\", \"3600\"]";
    for (const auto& [tag, lines] : {std::pair{"v1", healthy}, {"v2", healthy}, {"v3", sick}}) {
        images.add(repo + ":" + tag);
        test::build_image(repo + ":" + tag, lines);
        test::docker_ok({"push", repo + ":" + tag});
    }
    const std::string name = test::unique_name("da-svc");
    test::scoped_services services;
    services.add(name);
    test::docker_ok({"service",
                     "create",
                     "--quiet",
                     "--name",
                     name,
                     "--label",
                     "io.deploy-agent.test=1",
                     "--container-label",
                     "io.deploy-agent.test=1",
                     "--stop-signal",
                     "SIGKILL",
                     "--update-failure-action",
                     "rollback",
                     "--update-monitor",
                     "4s",
                     "--rollback-monitor",
                     "1s",
                     "--update-order",
                     "stop-first",
                     repo + ":v1"});

    struct seen {
        bool missing_is_empty = false;
        std::string image_before;
        std::vector<std::string> update_states;
        std::string image_after_update;
        std::string digest_v2;
        std::vector<std::string> rollback_states;
        std::string image_after_rollback;
        std::string rollback_message;
        unsigned stale_status = 0;
        std::uint64_t force_before = 0, force_after = 0;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        seen r;
        auto missing = co_await client->inspect_service("da-no-such-service");
        r.missing_is_empty = !missing.has_value();
        auto v1 = co_await client->inspect_service(name);
        if (!v1) {
            co_return r;
        }
        r.image_before = v1->image;
        auto remote = co_await client->distribution_inspect(repo + ":v2", std::nullopt);
        r.digest_v2 = remote.digest;

        dc::service_update to_v2;
        to_v2.service = name;
        to_v2.version = v1->version;
        to_v2.spec_json = v1->spec_json;
        to_v2.image = repo + ":v2";
        co_await client->update_service(to_v2);
        std::vector<std::string> update_ends{"completed", "paused", "rollback_completed"};
        r.update_states = co_await wait_for_state(client.get(), name, update_ends);
        auto v2 = co_await client->inspect_service(name);
        r.image_after_update = v2 ? v2->image : "";
        r.force_before = v2 ? v2->force_update : 0;

        try {
            co_await client->update_service(to_v2);  // the old version index: out of sequence
        } catch (const dc::error& e) {
            r.stale_status = e.status();
        }

        dc::service_update to_v3;
        to_v3.service = name;
        to_v3.version = v2 ? v2->version : 0;
        to_v3.spec_json = v2 ? v2->spec_json : "{}";
        to_v3.image = repo + ":v3";
        to_v3.force = true;
        co_await client->update_service(to_v3);
        std::vector<std::string> rollback_ends{"rollback_completed", "completed", "rollback_paused",
                                               "paused"};
        r.rollback_states = co_await wait_for_state(client.get(), name, rollback_ends);
        auto v3 = co_await client->inspect_service(name);
        r.image_after_rollback = v3 ? v3->image : "";
        r.rollback_message = v3 ? v3->update_status.message : "";
        r.force_after = v3 ? v3->force_update : 0;
        co_return r;
    });
    CHECK(s.missing_is_empty);
    CHECK_THAT(s.image_before, Catch::StartsWith(repo + ":v1"));
    REQUIRE_FALSE(s.update_states.empty());
    CHECK(s.update_states.back() == "completed");
    CHECK(s.image_after_update == repo + ":v2@" + s.digest_v2);  // pinned by digest
    CHECK(s.stale_status != 0);
    REQUIRE_FALSE(s.rollback_states.empty());
    CHECK(s.rollback_states.back() == "rollback_completed");
    CHECK_THAT(s.image_after_rollback, Catch::StartsWith(repo + ":v2@"));
    CHECK_FALSE(s.rollback_message.empty());
    CHECK(s.force_after == s.force_before);  // rolled back to the previous spec
}

}  // namespace docker_swarm_test
