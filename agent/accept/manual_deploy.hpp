#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "accept/acceptor.hpp"
#include "accept/decision.hpp"

// A deploy someone asked for by hand: POST /api/apps/{app}/deploy and the status page's button.

namespace agent {

/// Accepts the one job of `decision` (decide_manual_request, kind accept) as a "deploy"
/// delivery of its own from `source` ("api", "status-page"): recorded durably, then queued.
/// Returns its deployment id. Throws what acceptor::accept throws, and std::invalid_argument
/// when `decision` is not an accept of one job (nothing is recorded then). `accept` must
/// outlive the coroutine.
boost::asio::awaitable<std::int64_t> queue_manual_deploy(acceptor& accept, accept_decision decision,
                                                         std::string source);

}  // namespace agent
