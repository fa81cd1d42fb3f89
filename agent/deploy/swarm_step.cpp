#include "deploy/swarm_step.hpp"

#include <optional>
#include <stdexcept>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "common/clock.hpp"
#include "engine/app_identity.hpp"
#include "deploy/build_step.hpp"
#include "docker_client/error.hpp"

namespace agent {

namespace {

namespace dc = docker_client;

// "repo:tag@sha256:…" → "repo:tag"; the part of a service image the user wrote.
std::string without_digest(const std::string& image) {
    return image.substr(0, image.find('@'));
}

net::awaitable<dc::service_info> existing_service(dc::swarm_api& docker, const app_spec& app) {
    auto found = co_await docker.inspect_service(*app.service);
    if (found) {
        co_return std::move(*found);
    }
    auto role = co_await swarm_role(docker);
    if (!role.manager) {
        throw std::runtime_error(fmt::format("cannot update service '{}': {}", *app.service,
                                             role.text));
    }
    throw std::runtime_error(fmt::format(
        "service '{}' does not exist; create it first (docker service create / docker stack "
        "deploy): the agent updates services, it does not invent them",
        *app.service));
}

// How Swarm's UpdateStatus.State ends a deployment; nullopt while it is still going.
std::optional<deploy_result> outcome_of(const std::string& state) {
    if (state == "completed") {
        return deploy_result::succeeded;
    }
    if (state == "rollback_completed") {
        return deploy_result::rolled_back;
    }
    if (state == "paused" || state == "rollback_paused") {
        return deploy_result::failed;
    }
    return std::nullopt;
}

std::string failure_text(const dc::service_update_status& s) {
    if (s.state == "rollback_completed") {
        return "Swarm rolled the update back: " + s.message;
    }
    if (s.state == "paused") {
        return "Swarm paused the update (the service's update_config.failure_action is pause; "
               "some tasks may run the new image: `docker service rollback` or a new push): " +
               s.message;
    }
    return "Swarm paused the rollback: " + s.message;
}

struct followed {
    deploy_result result = deploy_result::failed;
    std::string error;
};

// Polls UpdateStatus until the update this deployment started ends. An update is ours once its
// StartedAt differs from the one before it (the engine clears the status when the spec changes).
net::awaitable<followed> follow_update(dc::swarm_api& docker, deployment_journal& journal,
                                       std::int64_t id, const dc::service_info& before,
                                       const swarm_follow& follow) {
    const auto deadline = std::chrono::steady_clock::now() + follow.limit;
    std::string last_state;
    for (;;) {
        auto now = co_await docker.inspect_service(before.id);
        if (!now) {
            co_return followed{deploy_result::failed, "the service was removed during its update"};
        }
        const auto& status = now->update_status;
        const bool ours = !status.state.empty() && status.started_at != before.update_status.started_at;
        if (ours && status.state != last_state) {
            last_state = status.state;
            journal.step(id, fmt::format("swarm: {}{}", status.state,
                                         status.message.empty() ? "" : " (" + status.message + ")"));
        }
        const std::optional<deploy_result> result =
            ours ? outcome_of(status.state) : std::optional<deploy_result>{};
        if (result) {
            co_return followed{*result,
                               *result == deploy_result::succeeded ? "" : failure_text(status)};
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            co_return followed{deploy_result::failed,
                               fmt::format("the update is still {} after {} s; Swarm goes on with "
                                           "it (see docker service ps {})",
                                           last_state.empty() ? "not started" : last_state,
                                           follow.limit.count() / 1000, before.name)};
        }
        co_await sleep_for(follow.poll);
    }
}

// The update to send; an empty service field means there is nothing to do.
net::awaitable<dc::service_update> plan_update(dc::image_api& docker, deployment_journal& journal,
                                               const app_spec& app, std::int64_t id, bool force,
                                               const dc::service_info& before,
                                               environment env) {
    dc::service_update update{before.id, before.version, before.spec_json, "", false, std::nullopt};
    if (app.strategy == deploy_strategy::restart) {
        update.force = true;
        journal.step(id, fmt::format("restarting service {} (ForceUpdate {} → {})", before.name,
                                     before.force_update, before.force_update + 1));
        co_return update;
    }
    update.auth = registry_credentials(app, env);
    auto remote = co_await docker.distribution_inspect(app.image, update.auth);
    update.image = app.image + "@" + remote.digest;
    if (update.image == before.image && without_digest(before.image) == app.image) {
        if (!force) {
            journal.step(id, fmt::format("service {} already runs {}; nothing to do", before.name,
                                         update.image));
            update.service.clear();
            co_return update;
        }
        update.force = true;
    }
    journal.step(id, fmt::format("updating service {} to {}{}", before.name, update.image,
                                 update.force ? " (forced)" : ""));
    co_return update;
}

bool out_of_sequence(const dc::error& e) {
    return e.daemon_message().find("out of sequence") != std::string::npos;
}

}  // namespace

net::awaitable<swarm_readiness> swarm_role(dc::swarm_api& docker) {
    swarm_readiness r;
    try {
        dc::swarm_status s = co_await docker.swarm_info();
        r.manager = s.local_node_state == "active" && s.control_available;
        if (r.manager) {
            r.text = "Swarm manager (node " + s.node_id + ")";
        } else if (s.local_node_state == "active") {
            r.text = "this engine is a Swarm worker, not a manager: point DOCKER_HOST at a "
                     "manager to update services";
        } else {
            r.text = "this engine is not a Swarm manager (Swarm state: " +
                     (s.local_node_state.empty() ? std::string("unknown") : s.local_node_state) +
                     (s.error.empty() ? "" : ", " + s.error) +
                     "); services need `docker swarm init` or a manager's DOCKER_HOST";
        }
    } catch (const std::exception& e) {
        r.text = std::string("cannot ask the engine about Swarm: ") + e.what();
    }
    co_return r;
}

net::awaitable<std::string> swarm_problem(dc::swarm_api& docker,
                                          std::shared_ptr<const manifest> m) {
    bool services = false;
    for (const auto& app : m->apps) {
        services = services || app.service.has_value();
    }
    if (!services) {
        co_return std::string();
    }
    swarm_readiness role = co_await swarm_role(docker);
    co_return role.manager ? std::string() : role.text;
}

net::awaitable<deploy_result> update_swarm_service(dc::swarm_api& docker, dc::image_api& images,
                                                   deployment_journal& journal, const app_spec& app,
                                                   std::int64_t id, bool force, environment env,
                                                   swarm_follow follow) {
    dc::service_info before = co_await existing_service(docker, app);
    journal.started(id, app.name, before.image);
    dc::service_update update = co_await plan_update(images, journal, app, id, force, before, env);
    if (update.service.empty()) {
        journal.finished(id, app.name, deploy_result::succeeded, before.image, "");
        co_return deploy_result::succeeded;
    }
    std::vector<std::string> warnings;
    bool stale = false;
    try {
        warnings = co_await docker.update_service(update);
    } catch (const dc::error& e) {
        if (!out_of_sequence(e)) {
            throw;
        }
        stale = true;
    }
    if (stale) {
        // Someone changed the service between our read and our write: once more from its new
        // version, with the same image (or force) on top of their spec.
        journal.step(id, "the service changed meanwhile; updating from its new version");
        before = co_await existing_service(docker, app);
        update.version = before.version;
        update.spec_json = before.spec_json;
        warnings = co_await docker.update_service(update);
    }
    for (const auto& w : warnings) {
        journal.step(id, "swarm warning: " + w);
    }
    followed end = co_await follow_update(docker, journal, id, before, follow);
    const std::string image = end.result == deploy_result::succeeded ? update.image : before.image;
    journal.finished(id, app.name, end.result, image.empty() ? before.image : image, end.error);
    co_return end.result;
}

}  // namespace agent
