#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "common/clock.hpp"
#include "manifest/manifest_holder.hpp"
#include "planner/planner.hpp"
#include "secrets/secrets_service.hpp"

namespace agent {

/// Receives what a poll found: the jobs the planner planned (plan_secret_poll) and the apps
/// among them whose secrets changed; records and queues those. Must not throw.
using secret_redeploy_sink = std::function<boost::asio::awaitable<void>(
    std::vector<planned_job> planned, std::vector<std::string> changed)>;

/// INFISICAL_SYNC_INTERVAL_MINUTES > 0: every `interval`, drops the cache of every scope the
/// current manifest reads, compares the secrets of the apps plan_secret_poll plans with their
/// containers (secrets_service::check), and hands those whose secrets changed to `sink`. Runs
/// until its executor stops; a failed poll is logged and retried at the next interval.
boost::asio::awaitable<void> poll_secrets_periodically(secrets_service& secrets,
                                                       manifest_holder& manifests,
                                                       auto_redeploy_policy policy,
                                                       std::chrono::milliseconds interval,
                                                       clock& time, secret_redeploy_sink sink);

}  // namespace agent
