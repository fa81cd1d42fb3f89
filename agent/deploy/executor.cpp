#include "deploy/executor.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "common/log.hpp"
#include "deploy/recreate.hpp"
#include "engine/app_identity.hpp"
#include "deploy/build_step.hpp"
#include "deploy/swarm_step.hpp"
#include "source/git_sync.hpp"
#include "docker_client/error.hpp"

namespace agent {

deploy_settings deploy_settings_from_environment(const environment& env) {
    return deploy_settings{env, {}};
}

std::string short_id(std::string_view id) {
    if (id.starts_with("sha256:")) {
        id.remove_prefix(7);
    }
    return std::string(id.substr(0, 12));
}

namespace {

net::awaitable<docker_client::container_info> app_container(docker_client::container_api& docker,
                                                            const app_spec& app) {
    auto found = co_await find_container_exactly(docker, app.container);
    if (!found) {
        throw std::runtime_error(fmt::format(
            "container '{}' does not exist (no container has exactly this name; nothing was "
            "touched); create it first (docker run / docker compose up): the agent restarts or "
            "recreates containers from their own configuration, it does not invent them",
            app.container));
    }
    co_return std::move(*found);
}

// The image as the manifest names it: an answer found by an id prefix is not it.
net::awaitable<std::optional<docker_client::image_info>> find_image_exactly(
    docker_client::image_api& docker, const std::string& reference) {
    auto found = co_await docker.inspect_image(reference);
    if (found && !image_has_reference(*found, reference)) {
        co_return std::nullopt;
    }
    co_return found;
}

}  // namespace

net::awaitable<deploy_result> deploy_executor::run(app_spec app, deploy_job job) {
    if (stopping_) {
        // Left queued: the next start runs it.
        co_return deploy_result::failed;
    }
    try {
        if (app.service) {
            co_return co_await update_swarm_service(engine_.swarm, engine_.images, journal_, app,
                                                    job.id, job.plan.force, settings_.env);
        }
        switch (app.strategy) {
            case deploy_strategy::restart:
                co_return co_await restart(app, job);
            case deploy_strategy::pull:
                co_return co_await pull_and_recreate(app, job);
            case deploy_strategy::build:
                co_return co_await build_and_recreate(app, job);
        }
        throw std::runtime_error("unknown strategy");
    } catch (const std::exception& e) {
        journal_.finished(job.id, app.name, deploy_result::failed, "", e.what());
        co_return deploy_result::failed;
    }
}

namespace {

// True when the container was not made with these secrets (no label, or another hash).
bool secrets_differ(const std::optional<injection>& secrets,
                    const docker_client::container_info& c) {
    if (!secrets) {
        return false;
    }
    auto label = c.labels.find(secrets_hash_label);
    return label == c.labels.end() || label->second != secrets->hash;
}

// The spec inputs of a recreate with `secrets` injected: the injected entries, the keys a
// previous deploy injected (they are the agent's, not the user's), and the two labels.
void add_secrets(spec_inputs& inputs, const std::optional<injection>& secrets,
                 const docker_client::container_info& old) {
    if (auto previous = old.labels.find(secret_keys_label); previous != old.labels.end()) {
        inputs.removed_env_keys = split_key_label(previous->second);
    }
    if (!secrets) {
        return;
    }
    inputs.injected_env = secrets->entries;
    for (const auto& [k, v] : secrets->labels) {
        inputs.labels[k] = v;
    }
}

}  // namespace

net::awaitable<std::optional<injection>> deploy_executor::prepare_secrets(
    const app_spec& app, const deploy_job& job, const docker_client::container_info& old) {
    if (!app.infisical) {
        co_return std::nullopt;
    }
    if (secrets_ == nullptr) {
        throw std::runtime_error(
            "the app reads secrets from Infisical, which is not configured: set "
            "INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET (or INFISICAL_TOKEN); nothing was "
            "touched");
    }
    injection result = co_await secrets_->prepare(app, old);
    journal_.step(job.id, fmt::format("secrets: {} key(s) from {}{}", result.injected_keys.size(),
                                      scope_of(*app.infisical).describe(),
                                      secrets_differ(result, old) ? " (changed)" : " (unchanged)"));
    co_return result;
}

net::awaitable<deploy_result> deploy_executor::restart(const app_spec& app, const deploy_job& job) {
    auto old = co_await app_container(engine_.containers, app);
    journal_.started(job.id, app.name, old.image);
    auto secrets = co_await prepare_secrets(app, job, old);
    if (secrets_differ(secrets, old)) {
        // New secrets need a new Env, which only a new container has: recreate from the image
        // the container runs.
        co_return co_await recreate_same_image(app, job, std::move(old), *secrets);
    }
    journal_.step(job.id, fmt::format("restarting container {} ({})", app.container,
                                      short_id(old.id)));
    co_await engine_.containers.restart_container(old.id, {});
    recreate_context context{engine_.containers, engine_.images, journal_, stopping_,
                             settings_.before_recreate_step};
    std::string problem = co_await wait_healthy(context, app.health, job.id, old.id);
    if (!problem.empty()) {
        journal_.finished(job.id, app.name, deploy_result::failed, old.image, problem);
        co_return deploy_result::failed;
    }
    journal_.step(job.id, "restarted");
    journal_.finished(job.id, app.name, deploy_result::succeeded, old.image, "");
    co_return deploy_result::succeeded;
}

net::awaitable<deploy_result> deploy_executor::pull_and_recreate(const app_spec& app,
                                                                 const deploy_job& job) {
    auto old = co_await app_container(engine_.containers, app);
    journal_.started(job.id, app.name, old.image);
    if (auto target = network_mode_target(old)) {
        auto shared = co_await engine_.containers.inspect_container(*target);
        // Compose and the CLI write the target's full id; a person may write its name.
        if (!shared || (shared->id != *target && shared->name != *target)) {
            throw std::runtime_error(fmt::format(
                "container {} shares the network stack of '{}', which does not exist any more; "
                "recreate '{}' first (nothing was touched)",
                app.container, *target, *target));
        }
    }
    // Throws naming the missing variable, never a value.
    auto auth = registry_credentials(app, settings_.env);
    auto secrets = co_await prepare_secrets(app, job, old);
    journal_.step(job.id, fmt::format("pulling {}{}", app.image,
                                      auth ? " (with the app's registry credentials)" : ""));
    std::string last_status;
    auto on_progress = [&](const docker_client::progress_event& e) {
        // Progress-bar lines arrive many times a second; keep the ones that change state.
        if (!e.progress.empty() || e.status + e.id == last_status) {
            return;
        }
        last_status = e.status + e.id;
        journal_.step(job.id, e.id.empty() ? e.status : fmt::format("{}: {}", e.id, e.status));
    };
    co_await engine_.images.pull_image(app.image, auth, on_progress);
    auto image = co_await find_image_exactly(engine_.images, app.image);
    if (!image) {
        throw std::runtime_error(fmt::format("image {} is missing right after its pull", app.image));
    }
    if (image->id == old.image_id && !job.plan.force && !secrets_differ(secrets, old)) {
        journal_.step(job.id, fmt::format("container already runs {} ({}); nothing to do",
                                          app.image, short_id(image->id)));
        journal_.finished(job.id, app.name, deploy_result::succeeded, app.image, "");
        co_return deploy_result::succeeded;
    }
    deploy_result result =
        co_await recreate_from(app, job, std::move(old), std::move(*image), app.image, secrets);
    co_return result;
}

net::awaitable<deploy_result> deploy_executor::recreate_same_image(
    const app_spec& app, const deploy_job& job, docker_client::container_info old,
    const injection& secrets) {
    auto image = co_await engine_.images.inspect_image(old.image_id);
    if (!image) {
        throw std::runtime_error(fmt::format(
            "the image container {} runs ({}) is gone from the engine; it cannot be recreated "
            "with the new secrets (nothing was touched)",
            app.container, short_id(old.image_id)));
    }
    // The container's own image reference while it still names this image, else the id.
    std::string reference = old.image;
    auto named = co_await find_image_exactly(engine_.images, reference);
    if (!named || named->id != old.image_id) {
        reference = old.image_id;
    }
    journal_.step(job.id, fmt::format("recreating {} from its image {} with the new secrets",
                                      app.container, short_id(old.image_id)));
    deploy_result result = co_await recreate_from(app, job, std::move(old), std::move(*image),
                                                  std::move(reference), secrets);
    co_return result;
}

net::awaitable<deploy_result> deploy_executor::recreate_from(
    const app_spec& app, const deploy_job& job, docker_client::container_info old,
    docker_client::image_info image, std::string reference,
    const std::optional<injection>& secrets) {
    // g++ 12: co_await only as a statement or an initializer, never inside a braced list.
    auto old_image = co_await engine_.images.inspect_image(old.image_id);
    spec_inputs inputs{
        old, std::move(old_image), image, std::move(reference), agent_labels(app, job.id), {}, {}};
    add_secrets(inputs, secrets, old);
    recreate_plan plan{app, job, std::move(old), std::move(image), build_container_spec(inputs)};
    recreate_context context{engine_.containers, engine_.images, journal_, stopping_,
                             settings_.before_recreate_step};
    deploy_result result = co_await run_recreate(context, std::move(plan));
    co_return result;
}

net::awaitable<deploy_result> deploy_executor::build_and_recreate(const app_spec& app,
                                                                 const deploy_job& job) {
    // Checked before a build that can take minutes: the old container must exist to be replaced.
    auto old = co_await app_container(engine_.containers, app);
    journal_.started(job.id, app.name, old.image);
    // So are the secrets: a missing key stops the deploy before the build.
    auto secrets = co_await prepare_secrets(app, job, old);
    auto log = [this, &job](std::string_view line) { journal_.step(job.id, line); };
    std::string commit;
    if (app.build->git) {
        source_request request{app.build->context, *app.build->git, job.plan.commit};
        source_revision revision =
            co_await sync_source(std::move(request), log, lookup_in(settings_.env));
        commit = revision.commit;
    }
    build_request build{job.id, commit, build_log_limits{}, settings_.env};
    std::string image_id = co_await build_app_image(engine_.images, app, std::move(build), log);
    auto image = co_await engine_.images.inspect_image(image_id);
    if (!image) {
        throw std::runtime_error(fmt::format("image {} is missing right after its build", image_id));
    }
    deploy_result result =
        co_await recreate_from(app, job, std::move(old), std::move(*image), app.image, secrets);
    co_return result;
}

net::awaitable<deploy_plan> deploy_executor::plan(app_spec app) {
    deploy_plan out{app.name, app.container, "", app.image, "", {}, ""};
    auto old = co_await app_container(engine_.containers, app);
    if (app.strategy == deploy_strategy::restart || app.service) {
        out.action = app.service ? "swarm service update" : "restart";
        out.note = "a restart keeps the container's configuration as it is";
        co_return out;
    }
    out.action = "pull and recreate";
    auto image = co_await find_image_exactly(engine_.images, app.image);
    if (!image) {
        out.note = fmt::format("{} is not on this engine yet: the diff needs the pulled image",
                               app.image);
        co_return out;
    }
    out.compared_with = image->id;
    auto old_image = co_await engine_.images.inspect_image(old.image_id);
    spec_inputs inputs{std::move(old),
                       std::move(old_image),
                       std::move(*image),
                       app.image,
                       agent_labels(app, 0),
                       {},
                       {}};
    out.changes = diff_container_spec(inputs, build_container_spec(inputs));
    // Which deployment id the container would carry is not known before it is queued.
    std::erase_if(out.changes, [](const spec_change& c) {
        return c.field == "Labels.io.deploy-agent.deployment";
    });
    if (out.changes.empty()) {
        out.note = "the new container's configuration would be the same";
    }
    co_return out;
}

}  // namespace agent
