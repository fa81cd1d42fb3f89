#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "common/environment.hpp"
#include "deploy/container_spec.hpp"
#include "deploy/deploy_engine.hpp"
#include "deploy/journal.hpp"
#include "manifest/manifest.hpp"
#include "planner/planned_job.hpp"
#include "secrets/secrets_service.hpp"

namespace agent {

namespace net = boost::asio;

/// Awaited before a recreate step, with the step's name (deploy_settings::before_recreate_step).
using recreate_step_hook = std::function<net::awaitable<void>(std::string step)>;

/// A planned job with the deployment id the store gave it.
struct deploy_job {
    std::int64_t id = 0;
    planned_job plan;
};

/// What a deploy would do, touching nothing (`deploy --dry-run`, `?dry_run=1`).
struct deploy_plan {
    std::string app;
    std::string container;
    std::string action;                ///< "restart" | "pull and recreate"
    std::string image;                 ///< the image it would pull
    std::string compared_with;         ///< the local image the diff is computed against, or ""
    std::vector<spec_change> changes;  ///< the running container's config vs the new spec
    std::string note;                  ///< why there is no diff, when there is none
};

/// What the deploy stage takes from the environment, read where the program is assembled.
struct deploy_settings {
    /// The variables app.registry_auth and build.git.token_env name, and what a git child
    /// inherits (PATH, HOME, proxies: source/git_env.hpp).
    environment env;
    /// Awaited before each recreate step ("rename", "create", "stop", "start", "health",
    /// "remove"), once the step's record is durable. Empty in the program; the kill -9 tests
    /// run a test build of it (tests/paused_agent/main.cpp) that holds a deploy there.
    recreate_step_hook before_recreate_step;
};

/// `env` kept whole.
deploy_settings deploy_settings_from_environment(const environment& env);

/// Runs one deployment of one app against the engine: restart, or pull and recreate (health
/// gated, with one guarded rollback: docs/recreate.md). Reports every step and the outcome to
/// the journal; never throws for engine failures (they become `failed` or `rolled_back` with
/// the daemon's message). The app's container is only ever the one named exactly as the
/// manifest says; anything else is refused and nothing is touched.
class deploy_executor {
public:
    /// `secrets` may be null: apps with `secrets.infisical` then fail with that reason.
    deploy_executor(deploy_engine engine, deployment_journal& journal,
                    secrets_service* secrets = nullptr, deploy_settings settings = {})
        : engine_(engine), journal_(journal), secrets_(secrets), settings_(std::move(settings)) {}

    net::awaitable<deploy_result> run(app_spec app, deploy_job job);
    /// The dry run of `app`: pulls nothing, changes nothing. Throws std::runtime_error with the
    /// reason when the app's container cannot be resolved.
    net::awaitable<deploy_plan> plan(app_spec app);

    /// Graceful stop: a deploy waiting on the health gate rolls back now, a deploy not yet
    /// started is left queued (its record untouched), no switch is started any more.
    void request_stop() { stopping_ = true; }
    bool stopping() const { return stopping_; }

private:
    net::awaitable<deploy_result> restart(const app_spec& app, const deploy_job& job);
    net::awaitable<deploy_result> pull_and_recreate(const app_spec& app, const deploy_job& job);
    /// Git sync of build.context (when build.git is set), build, then the same recreate.
    net::awaitable<deploy_result> build_and_recreate(const app_spec& app, const deploy_job& job);
    /// The recreate of `old` from `image` (Config.Image `reference`) with `secrets` injected.
    net::awaitable<deploy_result> recreate_from(const app_spec& app, const deploy_job& job,
                                                docker_client::container_info old,
                                                docker_client::image_info image,
                                                std::string reference,
                                                const std::optional<injection>& secrets);
    /// A recreate from the image the container runs now (a restart whose secrets changed).
    net::awaitable<deploy_result> recreate_same_image(const app_spec& app, const deploy_job& job,
                                                      docker_client::container_info old,
                                                      const injection& secrets);
    /// The app's secrets injected into `old`'s Env (nullopt when it reads none). Throws, before
    /// anything is touched, when they cannot be read or a key is missing.
    net::awaitable<std::optional<injection>> prepare_secrets(
        const app_spec& app, const deploy_job& job, const docker_client::container_info& old);

    deploy_engine engine_;
    deployment_journal& journal_;
    secrets_service* secrets_;
    deploy_settings settings_;
    bool stopping_ = false;
};

/// "sha256:0123…" → "0123456789ab".
std::string short_id(std::string_view id);

}  // namespace agent
