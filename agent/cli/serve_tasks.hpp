#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "deploy/deploy_queue.hpp"
#include "docker_client/docker_api.hpp"
#include "intake/github_intake.hpp"
#include "status/readiness.hpp"
#include "store/deployment_history.hpp"
#include "store/group_commit.hpp"
#include "store/history_reader.hpp"

// Internal to `serve`: the pieces run_serve wires together.

namespace agent {

/// /readyz's engine check: ok with the engine's version when it answers a ping, else why not.
/// Never throws.
net::awaitable<readiness_check> engine_answers(docker_client::docker_api& docker);

/// engine_answers, and not ok when an app of the manifest is a Swarm service while the engine is
/// not a Swarm manager (/readyz says why). Never throws; `manifests` must outlive the call.
net::awaitable<readiness_check> engine_and_swarm_answer(docker_client::docker_api& docker,
                                                        const manifest_holder& manifests);

/// Logs the engine's version, or why it cannot be reached. Never throws.
net::awaitable<void> report_engine(docker_client::docker_api& docker, std::string host);

/// Deployments a previous run left behind: interrupted ones are marked, queued ones run now.
void recover(deployment_history& history, history_reader& reader, deploy_queue& queue);

/// Prunes the store's history once an hour, for ever.
net::awaitable<void> prune_periodically(group_committer& writer);

/// Logs each webhook secret's fingerprint, or that it is missing, and warns about unsigned mode.
void warn_about_secrets(const secret_source& secrets,
                        const std::optional<configured_secret>& infisical, bool allow_unsigned);

}  // namespace agent
