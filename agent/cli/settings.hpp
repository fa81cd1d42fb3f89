#pragma once

#include <string>

#include "common/environment.hpp"
#include "deploy/executor.hpp"
#include "docker_client/client.hpp"

namespace agent {

/// Settings shared by the subcommands, from the environment (names kept from the replaced
/// service) and overridden by flags.
struct agent_settings {
    std::string manifest_path = "/etc/deploy-agent/manifest.yaml";  ///< MANIFEST_PATH
    std::string listen_address = "0.0.0.0";                         ///< LISTEN_ADDRESS
    unsigned short port = 9000;                                     ///< PORT
    std::string data_dir = "/var/lib/deploy-agent";                 ///< DATA_DIR
    unsigned debounce_ms = 300;           ///< DEPLOY_DEBOUNCE_MS: bursts for one app coalesce
    unsigned max_concurrent_deploys = 2;  ///< MAX_CONCURRENT_DEPLOYS: apps deploying at once
    unsigned retention_days = 90;         ///< RETENTION_DAYS: finished history kept (0 = forever)
    /// REFUSALS_LOGGED_PER_SECOND: lines a client can cause (refused deliveries, 4xx, refused
    /// connections) logged one by one per second, all together; the rest are counted and summed
    /// up (http/client_log_budget.hpp).
    unsigned refusals_per_second = 50;
    /// The whole environment as read at start (cli/process_environment.hpp): the subcommands
    /// read each stage's settings from it (its *_from_environment function).
    environment env;
    /// Not from the environment: the hook a test build of the program awaits before each
    /// recreate step (deploy_settings::before_recreate_step); empty in deploy-agent.
    recreate_step_hook before_recreate_step;
};

/// The deploy stage's settings: deploy_settings_from_environment(env) and the step hook.
deploy_settings deploy_settings_of(const agent_settings& settings);

/// Reads MANIFEST_PATH, LISTEN_ADDRESS, PORT and DATA_DIR in `env`, and keeps `env`. Throws
/// std::invalid_argument with a message naming the variable when a value cannot be used.
agent_settings settings_from_environment(const environment& env);

/// How to reach the engine: DOCKER_HOST, else DOCKER_SOCK_PATH, in `env`.
docker_client::client_options engine_options_from(const environment& env);

/// Applies `--listen HOST:PORT` (or `:PORT`, or `PORT`). Throws std::invalid_argument.
void apply_listen_flag(agent_settings& settings, const std::string& listen);

/// True when variable `name` of `env` is "1", "true", "yes", "on" (any case).
bool env_flag(const environment& env, const char* name);

}  // namespace agent
