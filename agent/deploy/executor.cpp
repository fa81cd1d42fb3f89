#include "deploy/executor.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "common/log.hpp"
#include "deploy/container_spec.hpp"
#include "docker_client/error.hpp"

namespace agent {

namespace {

net::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    net::steady_timer timer(co_await net::this_coro::executor, d);
    co_await timer.async_wait(net::use_awaitable);
}

std::string short_id(std::string_view id) {
    if (id.starts_with("sha256:")) {
        id.remove_prefix(7);
    }
    return std::string(id.substr(0, 12));
}

}  // namespace

void deploy_executor::step(const deploy_job& job, std::string_view message) {
    journal_.step(job.id, message);
}

net::awaitable<deploy_result> deploy_executor::run(app_spec app, deploy_job job) {
    try {
        if (app.service) {
            throw std::runtime_error("Swarm service updates are not supported yet");
        }
        switch (app.strategy) {
            case deploy_strategy::restart:
                co_return co_await restart(app, job);
            case deploy_strategy::pull:
                co_return co_await pull_and_recreate(app, job);
            case deploy_strategy::build:
                throw std::runtime_error("strategy 'build' is not supported yet");
        }
        throw std::runtime_error("unknown strategy");
    } catch (const std::exception& e) {
        journal_.finished(job.id, app.name, deploy_result::failed, "", e.what());
        co_return deploy_result::failed;
    }
}

net::awaitable<docker_client::container_info> deploy_executor::existing_container(const app_spec& app) {
    auto found = co_await docker_.inspect_container(app.container);
    if (!found) {
        throw std::runtime_error(fmt::format(
            "container '{}' does not exist; create it first (docker run / docker compose up): "
            "the agent restarts or recreates containers from their own configuration, it does "
            "not invent them",
            app.container));
    }
    co_return std::move(*found);
}

// True when the container was not made with these secrets (no label, or another hash).
bool secrets_differ(const std::optional<injection>& secrets, const docker_client::container_info& c) {
    if (!secrets) {
        return false;
    }
    auto label = c.labels.find(secrets_hash_label);
    return label == c.labels.end() || label->second != secrets->hash;
}

net::awaitable<std::optional<injection>> deploy_executor::prepare_secrets(
    const app_spec& app, const deploy_job& job, const docker_client::container_info& old) {
    if (!app.infisical) {
        co_return std::nullopt;
    }
    if (secrets_ == nullptr) {
        throw std::runtime_error("the app reads secrets from Infisical, which is not configured");
    }
    injection result = co_await secrets_->prepare(app, old);
    step(job, fmt::format("secrets: {} key(s) from {}{}", result.injected_keys.size(),
                          scope_of(*app.infisical).describe(),
                          secrets_differ(result, old) ? " (changed)" : " (unchanged)"));
    co_return result;
}

net::awaitable<deploy_result> deploy_executor::restart(const app_spec& app, const deploy_job& job) {
    auto old = co_await existing_container(app);
    journal_.started(job.id, app.name, old.image);
    auto secrets = co_await prepare_secrets(app, job, old);
    if (secrets_differ(secrets, old)) {
        // New secrets need a new Env, which only a new container has.
        std::string same_image = old.image_id;
        co_return co_await recreate(app, job, std::move(old), std::move(same_image), secrets);
    }
    step(job, fmt::format("restarting container {} ({})", app.container, short_id(old.id)));
    co_await docker_.restart_container(old.id, {});
    std::string problem = co_await wait_healthy(app, job, old.id);
    if (!problem.empty()) {
        journal_.finished(job.id, app.name, deploy_result::failed, old.image, problem);
        co_return deploy_result::failed;
    }
    step(job, "restarted");
    journal_.finished(job.id, app.name, deploy_result::succeeded, old.image, "");
    co_return deploy_result::succeeded;
}

net::awaitable<deploy_result> deploy_executor::pull_and_recreate(const app_spec& app, const deploy_job& job) {
    auto old = co_await existing_container(app);
    journal_.started(job.id, app.name, old.image);
    auto secrets = co_await prepare_secrets(app, job, old);
    step(job, fmt::format("pulling {}", app.image));
    std::string last_status;
    auto on_progress = [&](const docker_client::progress_event& e) {
        // Progress-bar lines arrive many times a second; keep the ones that change state.
        if (!e.progress.empty() || e.status == last_status + e.id) {
            return;
        }
        last_status = e.status + e.id;
        step(job, e.id.empty() ? e.status : fmt::format("{}: {}", e.id, e.status));
    };
    co_await docker_.pull_image(app.image, std::nullopt, on_progress);
    auto image = co_await docker_.inspect_image(app.image);
    if (!image) {
        throw std::runtime_error(fmt::format("image {} is missing right after its pull", app.image));
    }
    if (image->id == old.image_id && !job.plan.force && !secrets_differ(secrets, old)) {
        step(job, fmt::format("container already runs {} ({}); nothing to do", app.image,
                              short_id(image->id)));
        journal_.finished(job.id, app.name, deploy_result::succeeded, app.image, "");
        co_return deploy_result::succeeded;
    }
    co_return co_await recreate(app, job, std::move(old), image->id, secrets);
}

net::awaitable<deploy_result> deploy_executor::recreate(const app_spec& app, const deploy_job& job,
                                                 docker_client::container_info old,
                                                 std::string new_image_id,
                                                 const std::optional<injection>& secrets) {
    const std::string parked = fmt::format("{}-old-{}", app.container, job.id);
    std::map<std::string, std::string> labels{{"io.deploy-agent.app", app.name},
                                              {"io.deploy-agent.deployment", std::to_string(job.id)}};
    if (secrets) {
        labels.insert(secrets->labels.begin(), secrets->labels.end());
    }
    const std::string image =
        app.strategy == deploy_strategy::restart || app.image.empty() ? new_image_id : app.image;
    std::string body = recreate_body(old, image, labels, secrets ? &secrets->env : nullptr);
    step(job, fmt::format("stopping {} ({})", app.container, short_id(old.id)));
    co_await docker_.stop_container(old.id, {});
    co_await docker_.rename_container(old.id, parked);

    std::string failure;
    std::string new_id;
    try {
        new_id = co_await docker_.create_container(app.container, body);
        step(job, fmt::format("created {} ({}) from {} ({})", app.container, short_id(new_id),
                              app.image, short_id(new_image_id)));
        co_await docker_.start_container(new_id);
        failure = co_await wait_healthy(app, job, new_id);
    } catch (const std::exception& e) {
        failure = e.what();
    }

    if (failure.empty()) {
        co_await docker_.remove_container(old.id, {});
        step(job, fmt::format("removed the old container ({})", short_id(old.id)));
        journal_.finished(job.id, app.name, deploy_result::succeeded, app.image, "");
        co_return deploy_result::succeeded;
    }

    step(job, fmt::format("new container failed ({}); rolling back", failure));
    if (!new_id.empty()) {
        co_await docker_.remove_container(new_id, {.force = true, .remove_volumes = false});
    }
    co_await docker_.rename_container(old.id, app.container);
    co_await docker_.start_container(old.id);
    step(job, fmt::format("old container {} ({}) is serving again", app.container, short_id(old.id)));
    journal_.finished(job.id, app.name, deploy_result::rolled_back, old.image, failure);
    co_return deploy_result::rolled_back;
}

net::awaitable<std::string> deploy_executor::wait_healthy(const app_spec& app, const deploy_job& job,
                                                   std::string container_id) {
    using namespace std::chrono;
    const auto deadline = steady_clock::now() + app.health.timeout;
    const auto poll = milliseconds(250);
    auto stable_since = steady_clock::now();
    for (;;) {
        auto info = co_await docker_.inspect_container(container_id);
        if (!info) {
            co_return "the container disappeared";
        }
        if (!info->state.running) {
            co_return fmt::format("the container exited with code {}{}", info->state.exit_code,
                                  info->state.error.empty() ? "" : " (" + info->state.error + ")");
        }
        if (info->state.health) {
            if (*info->state.health == "healthy") {
                step(job, "healthcheck passed");
                co_return "";
            }
            if (*info->state.health == "unhealthy") {
                co_return "the healthcheck reports unhealthy";
            }
        } else if (steady_clock::now() - stable_since >= app.health.stable_for) {
            co_return "";
        }
        if (steady_clock::now() >= deadline) {
            co_return fmt::format("not healthy within {} s",
                                  duration_cast<seconds>(app.health.timeout).count());
        }
        co_await sleep_for(poll);
    }
}

}  // namespace agent
