#include "deploy/recovery.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <fmt/format.h>

#include "common/log.hpp"
#include "engine/app_identity.hpp"
#include "deploy/executor.hpp"
#include "deploy/store_journal.hpp"
#include "docker_client/client.hpp"
#include "store/history_write.hpp"

namespace agent {

namespace {

struct recovery_result {
    bool recovered = true;
    std::string what;
};

// The new container passed its gate before the stop: keep it, drop the parked one.
net::awaitable<recovery_result> finish(docker_client::container_api& docker, const recreate_progress& p,
                               const std::optional<docker_client::container_info>& current) {
    co_await docker.remove_container(p.old_id, {.force = true, .remove_volumes = false});
    if (current) {
        co_await docker.start_container(current->id);
    }
    co_return recovery_result{true, fmt::format("finished: the new container {} ({}) had passed its "
                                        "health gate; the old one ({}) was removed",
                                        p.container, current ? short_id(current->id) : "?",
                                        short_id(p.old_id))};
}

// Anything earlier: the new container (if any) goes, the old one gets its name back and runs.
net::awaitable<recovery_result> revert(docker_client::container_api& docker, const recreate_progress& p,
                               const std::optional<docker_client::container_info>& current,
                               const std::optional<docker_client::container_info>& old) {
    if (!old) {
        if (current) {
            co_await docker.start_container(current->id);
            co_return recovery_result{true, fmt::format("the old container ({}) is gone; kept the new "
                                                "one {} ({}) and started it",
                                                short_id(p.old_id), p.container,
                                                short_id(current->id))};
        }
        co_return recovery_result{false, fmt::format("neither the old container ({}) nor a container "
                                             "named {} exists; recreate it by hand",
                                             short_id(p.old_id), p.container)};
    }
    if (current && current->id != old->id) {
        co_await docker.remove_container(current->id, {.force = true, .remove_volumes = false});
    }
    if (old->name != p.container) {
        co_await docker.rename_container(old->id, p.container);
    }
    co_await docker.start_container(old->id);
    co_return recovery_result{true, fmt::format("reverted at step '{}': the old container {} ({}) runs "
                                        "under its name again{}",
                                        p.step, p.container, short_id(old->id),
                                        current && current->id != old->id
                                            ? "; the new one (" + short_id(current->id) +
                                                  ") was removed"
                                            : "")};
}

net::awaitable<recovery_result> recover_one(docker_client::container_api& docker,
                                    const recreate_progress& p) {
    auto current = co_await find_container_exactly(docker, p.container);
    auto old = co_await docker.inspect_container(p.old_id);
    if (old && old->id != p.old_id) {
        old.reset();  // an id prefix answered: not the parked container
    }
    if (p.step == "remove" && current && (!old || current->id != old->id)) {
        co_return co_await finish(docker, p, current);
    }
    co_return co_await revert(docker, p, current, old);
}

}  // namespace

net::awaitable<std::vector<deployment_record>> recover_interrupted_recreates(
    docker_client::container_api& docker, recreate_log& recreates, deployment_history& history) {
    std::vector<deployment_record> handled;
    for (const auto& p : recreates.interrupted_recreates()) {
        recovery_result result;
        try {
            result = co_await recover_one(docker, p);
        } catch (const std::exception& e) {
            result = {false, fmt::format("recovery failed at step '{}': {}", p.step, e.what())};
        }
        auto now = unix_millis_now();
        history.append_step(p.deployment_id, now, "agent restarted: " + result.what);
        auto ended = history.apply(deployment_ended{
            p.deployment_id,
            result.recovered ? deployment_state::recovered : deployment_state::failed, "",
            result.what, now});
        recreates.clear_recreate(p.deployment_id);
        if (result.recovered) {
            spdlog::warn("deployment {} of {} was interrupted by a stop of the agent; recovered: {}",
                         p.deployment_id, p.app, result.what);
        } else {
            spdlog::error("deployment {} of {} was interrupted by a stop of the agent: {}",
                          p.deployment_id, p.app, result.what);
        }
        if (ended.ended) {
            handled.push_back(std::move(*ended.ended));
        }
    }
    co_return handled;
}

std::vector<deployment_record> recover_interrupted_recreates_now(
    recreate_log& recreates, deployment_history& history, docker_client::client_options engine) {
    if (recreates.interrupted_recreates().empty()) {
        return {};
    }
    net::io_context io;
    auto docker = docker_client::make_client(io.get_executor(), std::move(engine));
    auto result = net::co_spawn(io, recover_interrupted_recreates(*docker, recreates, history),
                                net::use_future);
    io.run();
    try {
        return result.get();
    } catch (const std::exception& e) {
        spdlog::error("recovery of interrupted deployments failed: {}", e.what());
        return {};
    }
}

}  // namespace agent
