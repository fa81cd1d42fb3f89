#pragma once

#include <string>
#include <string_view>

#include "metrics/registry.hpp"

namespace agent::metrics {

/// Every metric the agent exports on GET /metrics. One instance per process, created by `serve`
/// and outliving the server and the router. The parts that see an event tell it here (the
/// server its requests, the deploy stage its deployments, the docker client its failures);
/// nothing in metrics/ asks them.
struct agent_metrics {
    /// {source="github|gitea|forgejo|gitlab|infisical", outcome="queued|accepted|ignored|duplicate|refused",
    /// reason=<a refusal code (intake/refusal_codes.hpp) or "other"; "" unless refused>}
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
    /// From a deployment's start (its turn came) to its end, by app and result.
    histogram_family deployment_duration{
        "deploy_agent_deployment_duration_seconds",
        "Time a deployment ran, from its start to its result.",
        {"app", "result"},
        {1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800}};
    /// Deployments accepted and waiting for their app's turn (not yet running).
    gauge queue_depth{"deploy_agent_queue_depth",
                      "Deployments queued and not yet running, across all apps."};
    /// {kind="transport|4xx|5xx"}: calls to the Docker Engine API that failed.
    counter_family engine_errors{"deploy_agent_engine_errors_total",
                                 "Docker Engine API calls that failed: transport (connect, "
                                 "timeout), or refused with a 4xx (not 404) or 5xx.",
                                 {"kind"}};
    gauge open_connections{"deploy_agent_open_connections", "HTTP connections open now."};
    /// {reason="max_connections|slow_client|header_timeout|source_not_allowed"}
    counter_family refused_connections{
        "deploy_agent_connections_refused_total",
        "Connections refused or dropped by the server itself, by reason.", {"reason"}};

    /// The whole exposition, Content-Type text/plain; version=0.0.4. Besides the families
    /// above it carries, under the replaced Node service's names, the Infisical endpoint's
    /// requests by status (`infisical_webhook_requests_total{status="success|
    /// invalid_signature|…"}`) and their duration (`infisical_webhook_processing_duration_seconds`).
    std::string render() const;
};

/// Counts one delivery in `m.deliveries`: outcome is the verdict ("queued", "ignored",
/// "duplicate", "accepted", "refused"); the reason label is `reason` for refusals only, empty
/// otherwise. The caller gives a value from a fixed set (the accept stage: a refusal code or
/// "other"), never free text: each distinct value is a series of its own.
void count_delivery(agent_metrics& m, std::string_view source, std::string_view outcome,
                    std::string_view reason);

/// Counts one finished deployment: `result` is "succeeded", "failed", "rolled_back" or
/// "superseded"; `seconds` is how long it ran (not observed for superseded ones, which never ran).
void count_deployment(agent_metrics& m, std::string_view app, std::string_view result,
                      double seconds);

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

/// The replaced service's `status` label for an answer of POST /webhooks/infisical:
/// 200 "success", 401 "invalid_signature", 400 "invalid_payload", 413 "payload_too_large",
/// 503 "unavailable", other 4xx "rejected", anything else "error".
std::string_view infisical_status_label(unsigned http_status);

}  // namespace agent::metrics
