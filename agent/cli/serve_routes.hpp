#pragma once

#include "api/api_routes.hpp"
#include "http/routes.hpp"
#include "status/readiness.hpp"
#include "status/status_routes.hpp"
#include "webhooks/webhook_endpoints.hpp"

// Internal to `serve`: the route table run_serve hands the server.

namespace agent {

/// The endpoints `serve` answers with. References must outlive the table.
struct serve_endpoints {
    webhook_endpoints& webhooks;
    const readiness& ready;
    api_routes& api;
    status::status_routes* status_page = nullptr;  ///< null: STATUS_PAGE is off
};

/// The routes of `serve` (docs/architecture.md "HTTP endpoints"), each with the body it takes
/// and the allow-lists (*_ALLOWED_CIDRS, README "Configuration") it falls under, most specific
/// first: the webhooks (GitHub's 25 MB; GITHUB_ / INFISICAL_WEBHOOK_ALLOWED_CIDRS, then
/// WEBHOOK_ALLOWED_CIDRS), /healthz, /readyz, /metrics (METRICS_ALLOWED_CIDRS), /api…
/// (API_ALLOWED_CIDRS) and, when on, the status page (its own STATUS_ALLOWED_CIDRS).
route_table serve_routes(const serve_endpoints& endpoints);

}  // namespace agent
