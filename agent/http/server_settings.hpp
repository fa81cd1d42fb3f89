#pragma once

#include "common/environment.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace agent {

/// `base` with what `env` says about the HTTP server's limits, and the allow-lists `routes` name:
/// - MAX_CONNECTIONS: connections open at once; at the cap a new one evicts the oldest idle
///   connection, or gets 503 when every one has a request in progress (default 512)
/// - MAX_CONNECTIONS_PER_CLIENT: connections open at once from one address (trusted proxies
///   excepted); at the cap a new one evicts that address's oldest idle or write-stalled one,
///   or gets 503 (default 64)
/// - WRITE_STALL_TIMEOUT_MS: an answer whose write makes no progress this long ends its
///   connection (default 5000)
/// - MAX_INFLIGHT_BODY_BYTES: request bodies held at once, all connections together; beyond it
///   503 (default twice the largest body a route takes; at least that body)
/// - TRUSTED_PROXIES: comma list of CIDRs (e.g. the tunnel container's network) whose
///   CF-Connecting-IP / X-Forwarded-For are believed; default none: the TCP peer is the client
/// - each allow-list a route names (route_limits::access) is read from the variable of that
///   name: a comma list of CIDRs, the source networks allowed to call those routes (403
///   otherwise); unset or empty, the list is not configured (routes.access_lists()).
/// Throws std::invalid_argument "NAME: why" for a malformed value (a start-up error).
server_options server_options_from_environment(server_options base, const environment& env,
                                               const route_table& routes);

}  // namespace agent
