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

/// Receives the redeploy jobs a poll found (trigger "infisical", force true); records and
/// queues them. Must not throw.
using secret_redeploy_sink =
    std::function<boost::asio::awaitable<void>(std::vector<planned_job> jobs)>;

/// The jobs for apps whose secrets changed: action "deploy", trigger "infisical", force true
/// (the image is the same; the secrets are not).
std::vector<planned_job> secret_redeploy_jobs(const std::vector<std::string>& apps,
                                              const std::string& delivery_id);

/// INFISICAL_SYNC_INTERVAL_MINUTES > 0: every `interval`, polls every scope the current
/// manifest reads (secrets_service::poll) and hands the apps to redeploy to `sink`. Runs until
/// its executor stops; a failed poll is logged and retried at the next interval.
boost::asio::awaitable<void> poll_secrets_periodically(secrets_service& secrets,
                                                       manifest_holder& manifests,
                                                       auto_redeploy_policy policy,
                                                       std::chrono::milliseconds interval,
                                                       clock& time, secret_redeploy_sink sink);

}  // namespace agent
