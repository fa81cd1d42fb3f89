// The health gate of a recreate or restart.

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "common/clock.hpp"
#include "deploy/recreate.hpp"

namespace agent {

namespace {

// Why the container is not (or no longer) a healthy candidate, or "" while it still may be.
std::string problem_with(const docker_client::container_info& info,
                         const docker_client::container_info& first) {
    if (info.state.status == "restarting") {
        return fmt::format("the container is restarting (it exited with code {}; restart "
                           "count {})",
                           info.state.exit_code, info.restart_count);
    }
    if (!info.state.running) {
        return fmt::format("the container exited with code {}{}", info.state.exit_code,
                           info.state.error.empty() ? "" : " (" + info.state.error + ")");
    }
    // A crash-looping container with a restart policy can be "running" whenever it is polled.
    if (info.restart_count != first.restart_count || info.state.started_at != first.state.started_at) {
        return fmt::format("the container restarted (restart count {} → {})", first.restart_count,
                           info.restart_count);
    }
    if (info.state.health == "unhealthy") {
        return fmt::format("the healthcheck reports unhealthy{}",
                           info.state.health_last_output.empty()
                               ? ""
                               : ": " + info.state.health_last_output.substr(0, 200));
    }
    return "";
}

}  // namespace

net::awaitable<std::string> wait_healthy(recreate_context ctx, health_spec health,
                                         std::int64_t deployment_id, std::string container_id) {
    using namespace std::chrono;
    const auto start = steady_clock::now();
    const auto poll = milliseconds(250);
    std::optional<docker_client::container_info> first;
    for (;;) {
        if (ctx.stopping) {
            co_return "the agent is stopping before the new container passed its health gate";
        }
        auto info = co_await ctx.containers.inspect_container(container_id);
        if (!info) {
            co_return "the container disappeared";
        }
        if (!first) {
            first = *info;
        }
        if (auto problem = problem_with(*info, *first); !problem.empty()) {
            co_return problem;
        }
        if (info->state.health == "healthy") {
            ctx.journal.step(deployment_id, "healthcheck passed");
            co_return "";
        }
        if (!info->state.health && steady_clock::now() - start >= health.stable_for) {
            ctx.journal.step(deployment_id,
                             fmt::format("running for {} ms without a restart",
                                         duration_cast<milliseconds>(health.stable_for).count()));
            co_return "";
        }
        if (steady_clock::now() - start >= health.timeout) {
            co_return fmt::format("not healthy within {} s{}",
                                  duration_cast<seconds>(health.timeout).count(),
                                  info->state.health ? " (health: " + *info->state.health + ")" : "");
        }
        co_await sleep_for(poll);
    }
}

}  // namespace agent
