#pragma once

#include <cstdint>

#include <boost/asio/awaitable.hpp>

#include "deploy/journal.hpp"
#include "docker_client/docker_api.hpp"
#include "planner/planned_job.hpp"
#include "manifest/manifest.hpp"
#include "secrets/secrets_service.hpp"

namespace agent {

namespace net = boost::asio;

/// A planned job with the deployment id the store gave it.
struct deploy_job {
    std::int64_t id = 0;
    planned_job plan;
};

/// Runs one deployment of one app against the engine: restart, or pull and recreate.
/// Reports every step and the outcome to the journal; never throws for engine failures
/// (they become `failed` or `rolled_back` with the daemon's message).
class deploy_executor {
public:
    /// `secrets` may be null: apps with `secrets.infisical` then fail with that reason.
    deploy_executor(docker_client::docker_api& docker, deployment_journal& journal,
                    secrets_service* secrets = nullptr)
        : docker_(docker), journal_(journal), secrets_(secrets) {}

    net::awaitable<deploy_result> run(app_spec app, deploy_job job);

private:
    /// The app's container; throws (with what to do) when it does not exist.
    net::awaitable<docker_client::container_info> existing_container(const app_spec& app);
    net::awaitable<deploy_result> restart(const app_spec& app, const deploy_job& job);
    net::awaitable<deploy_result> pull_and_recreate(const app_spec& app, const deploy_job& job);
    net::awaitable<deploy_result> recreate(const app_spec& app, const deploy_job& job,
                                           docker_client::container_info old,
                                           std::string new_image_id,
                                           const std::optional<injection>& secrets);
    /// The app's secrets injected into `old`'s Env (nullopt when it reads none). Throws, before
    /// anything is touched, when they cannot be read or a key is missing.
    net::awaitable<std::optional<injection>> prepare_secrets(const app_spec& app,
                                                             const deploy_job& job,
                                                             const docker_client::container_info& old);
    /// Waits until the new container is healthy (or, without a healthcheck, still running
    /// after `stable_for`). Returns an empty string, or why it is not healthy.
    net::awaitable<std::string> wait_healthy(const app_spec& app, const deploy_job& job,
                                             std::string container_id);
    void step(const deploy_job& job, std::string_view message);

    docker_client::docker_api& docker_;
    deployment_journal& journal_;
    secrets_service* secrets_;
};

}  // namespace agent
