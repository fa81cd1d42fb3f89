#include "cli/serve_tasks.hpp"

#include <exception>
#include <memory>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "deploy/store_journal.hpp"
#include "deploy/swarm_step.hpp"

namespace agent {

net::awaitable<readiness_check> engine_answers(docker_client::docker_api& docker) {
    try {
        auto v = co_await docker.ping();
        co_return readiness_check{true, fmt::format("Docker Engine {} answers (API {})",
                                                    v.engine_version, v.api_version)};
    } catch (const std::exception& e) {
        co_return readiness_check{false, fmt::format("the Docker Engine does not answer: {}; mount "
                                                     "the socket or set DOCKER_HOST",
                                                     e.what())};
    }
}

net::awaitable<readiness_check> engine_and_swarm_answer(docker_client::docker_api& docker,
                                                        const manifest_holder& manifests) {
    readiness_check engine = co_await engine_answers(docker);
    if (!engine.ok) {
        co_return engine;
    }
    // An app that is a Swarm service cannot be deployed unless this engine is a manager.
    std::string swarm = co_await swarm_problem(docker, manifests.current());
    if (!swarm.empty()) {
        co_return readiness_check{false, fmt::format("{}; but Swarm services cannot be updated: {}",
                                                     engine.detail, swarm)};
    }
    co_return engine;
}

net::awaitable<void> report_engine(docker_client::docker_api& docker, std::string host) {
    try {
        auto v = co_await docker.ping();
        spdlog::info("Docker Engine {} at {}: API {} (daemon {}, minimum {})", v.engine_version, host,
                     v.api_version, v.daemon_api_version,
                     v.min_api_version.empty() ? "?" : v.min_api_version);
    } catch (const std::exception& e) {
        spdlog::error("Docker Engine not reachable: {}. Deploys will fail until it is; mount the "
                      "socket (-v /var/run/docker.sock:/var/run/docker.sock) or set DOCKER_HOST",
                      e.what());
    }
}

void recover(deployment_history& history, history_reader& reader, deploy_queue& queue) {
    for (const auto& d : history.mark_interrupted(unix_millis_now())) {
        spdlog::warn("deployment {} of {} was interrupted by a stop of the agent; marked failed "
                     "(check the container; deploy again with the API or 'deploy-agent deploy {}')",
                     d.id, d.app, d.app);
    }
    for (const auto& d : reader.unfinished()) {
        if (d.state != deployment_state::queued) {
            continue;
        }
        spdlog::info("deployment {} of {} was queued before the agent stopped: running it now",
                     d.id, d.app);
        queue.submit(deploy_job{d.id, planned_job{d.app, d.action, d.trigger, d.commit,
                                                  d.delivery_id, d.force}});
    }
}

net::awaitable<void> prune_periodically(group_committer& writer) {
    steady_clock_source clock;
    for (;;) {
        try {
            // Built before the co_await: g++ 12 destroys a braced temporary inside one twice.
            history_write prune = history_pruned{unix_millis_now()};
            auto pruned = co_await record_history_async(writer, std::move(prune));
            if (auto n = pruned.removed; n > 0) {
                spdlog::info("retention: removed {} old record(s)", n);
            }
        } catch (const std::exception& e) {
            spdlog::error("retention pruning failed: {}", e.what());
        }
        co_await clock.sleep_until(clock.now() + std::chrono::hours(1));
    }
}

void warn_about_secrets(const secret_source& secrets, const std::optional<configured_secret>& infisical,
                        bool allow_unsigned) {
    auto github = secrets.lookup(default_github_secret_env);
    if (!github) {
        spdlog::warn("WEBHOOK_SECRET is not set: GitHub deliveries are answered 503 'not configured' "
                     "unless an app names its own secret_env");
    } else {
        spdlog::info("GitHub webhook secret: {}", describe_secret(*github));
        if (github->had_trailing_newline()) {
            spdlog::warn("WEBHOOK_SECRET ended with a newline, which was removed; if GitHub's "
                         "secret really ends with one, signatures will not match");
        }
    }
    if (!infisical) {
        spdlog::warn("INFISICAL_WEBHOOK_SECRET is not set: Infisical deliveries are answered 503");
    } else {
        spdlog::info("Infisical webhook secret: {}", describe_secret(*infisical));
    }
    if (allow_unsigned) {
        spdlog::warn("ALLOW_UNSIGNED_WEBHOOKS=true: deliveries WITHOUT a signature are accepted. "
                     "Anyone who can reach this port can trigger deploys. Use it on test rigs only");
    }
}

}  // namespace agent
