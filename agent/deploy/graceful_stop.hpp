#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include <boost/asio/awaitable.hpp>

#include "common/environment.hpp"

namespace agent {

/// STOP_GRACE_SECONDS: how long a running deploy may take to reach a safe point after SIGTERM
/// (default 8 s, under Docker's 10 s stop timeout). A value that is not a whole number from 0 to
/// 3600 is warned about and the default used.
std::chrono::seconds stop_grace_from_environment(const environment& env);

/// Polls `running()` (deploys in progress) until it is 0 or `grace` passes, then calls `stop()`.
/// Spawn it after the executor was told to stop: the deploys roll back or finish their switch.
boost::asio::awaitable<void> stop_at_safe_point(std::function<std::size_t()> running,
                                                std::chrono::seconds grace,
                                                std::function<void()> stop);

}  // namespace agent
