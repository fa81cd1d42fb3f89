#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

// The transport's own answers, registered like any endpoint.

namespace agent {

/// GET /healthz: 200 {"status":"ok"} while the process serves.
boost::asio::awaitable<http_response> alive_answer(const http_request& request);

/// GET /metrics: the process's metrics (metrics::process_metrics) in the Prometheus text format.
boost::asio::awaitable<http_response> metrics_answer(const http_request& request);

}  // namespace agent
