#pragma once

#include <string>
#include <string_view>

#include "metrics/registry.hpp"

namespace agent::metrics {

/// Every metric the agent exports on GET /metrics (names prefixed `deploy_agent_`).
/// One instance per process, created by `serve` and outliving the server and the router.
struct agent_metrics {
    /// {source="github|infisical", outcome="queued|ignored|ping|processed|test|refused",
    /// reason=<refusal_code, or "" unless refused>}
    counter_family deliveries{"deploy_agent_deliveries_total",
                              "Webhook deliveries by source, outcome and refusal reason.",
                              {"source", "outcome", "reason"}};
    /// {path=<known endpoint or "other">, status}
    counter_family http_requests{"deploy_agent_http_requests_total",
                                 "HTTP requests answered, by endpoint and status.",
                                 {"path", "status"}};
    /// From the complete request header to the response written, by endpoint.
    histogram_family request_duration{
        "deploy_agent_http_request_duration_seconds",
        "Time from the request header to the written response.",
        {"path"},
        {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10}};
    /// {app, result="succeeded|failed|rolled_back|superseded"}
    counter_family deployments{"deploy_agent_deployments_total",
                               "Deployments finished, by app and result.", {"app", "result"}};
    gauge open_connections{"deploy_agent_open_connections", "HTTP connections open now."};
    /// {reason="max_connections|slow_client|header_timeout|source_not_allowed"}
    counter_family refused_connections{
        "deploy_agent_connections_refused_total",
        "Connections refused or dropped by the server itself, by reason.", {"reason"}};

    /// The whole exposition, Content-Type text/plain; version=0.0.4.
    std::string render() const;
};

/// Counts one delivery in `m.deliveries`: outcome is the verdict ("queued", "ignored",
/// "duplicate", "accepted", "refused", ...); the reason label is `reason` (the intake's
/// refusal_code) for refusals only, empty otherwise, so free text never becomes a label.
void count_delivery(agent_metrics& m, std::string_view source, std::string_view outcome,
                    std::string_view reason);

/// The process's metrics: what `serve` counts into and GET /metrics shows (like the default
/// registry of other Prometheus clients). Tests use their own agent_metrics instead.
agent_metrics& process_metrics();

/// The Content-Type of render()'s text.
inline constexpr std::string_view exposition_content_type =
    "text/plain; version=0.0.4; charset=utf-8";

/// The `path` label for a request path: the endpoint it names ("/webhook", "/webhooks/github",
/// "/webhooks/infisical", "/webhooks/infisical/test", "/healthz", "/readyz", "/metrics", "/api"
/// for anything under /api/), or "other" — never the raw path, so scanners cannot grow the
/// label set.
std::string_view metric_path(std::string_view path);

}  // namespace agent::metrics
