#pragma once

#include "common/environment.hpp"
#include "http/server.hpp"

namespace agent {

/// `base` with what `env` says about the HTTP server's limits and access:
/// - MAX_CONNECTIONS: connections open at once; at the cap a new one evicts the oldest idle
///   connection, or gets 503 when every one has a request in progress (default 512)
/// - MAX_INFLIGHT_BODY_BYTES: request bodies held at once, all connections together; beyond it
///   503 (default twice the 25 MB webhook limit; at least that limit)
/// - TRUSTED_PROXIES: comma list of CIDRs (e.g. the tunnel container's network) whose
///   CF-Connecting-IP / X-Forwarded-For are believed; default none: the TCP peer is the client
/// - GITHUB_WEBHOOK_ALLOWED_CIDRS (POST /webhook, /webhooks/github),
///   INFISICAL_WEBHOOK_ALLOWED_CIDRS (/webhooks/infisical, /webhooks/infisical/test),
///   WEBHOOK_ALLOWED_CIDRS (every webhook endpoint without its own list), API_ALLOWED_CIDRS
///   (/api…), METRICS_ALLOWED_CIDRS (/metrics): source networks allowed to call them (403
///   otherwise); unset or empty: any source.
/// Throws std::invalid_argument "NAME: why" for a malformed value (a start-up error).
server_options server_options_from_environment(server_options base, const environment& env);

}  // namespace agent
