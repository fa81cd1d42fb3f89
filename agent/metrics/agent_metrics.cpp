#include "metrics/agent_metrics.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <map>

namespace agent::metrics {

namespace {

constexpr std::string_view infisical_path = "/webhooks/infisical";

// The replaced service's two families, from what the server counted for its endpoint.
void write_seed_families(const agent_metrics& m, std::string& out) {
    std::map<std::string, std::uint64_t> by_status;
    for (const auto& [labels, value] : m.http_requests.snapshot()) {
        if (labels.size() == 2 && labels[0] == infisical_path) {
            unsigned status = 0;
            std::from_chars(labels[1].data(), labels[1].data() + labels[1].size(), status);
            by_status[std::string(infisical_status_label(status))] += value;
        }
    }
    counter_family requests("infisical_webhook_requests_total",
                            "Requests to POST /webhooks/infisical by outcome (the replaced "
                            "service's name).",
                            {"status"});
    for (const auto& [status, value] : by_status) {
        requests.increment({status}, value);
    }
    requests.write(out);
    m.request_duration.write_series_as(out, "infisical_webhook_processing_duration_seconds",
                                       "Time to answer POST /webhooks/infisical (the replaced "
                                       "service's name).",
                                       {std::string(infisical_path)});
}

}  // namespace

std::string agent_metrics::render() const {
    std::string out;
    out.reserve(8192);
    deliveries.write(out);
    http_requests.write(out);
    request_duration.write(out);
    deployments.write(out);
    deployment_duration.write(out);
    queue_depth.write(out);
    engine_errors.write(out);
    open_connections.write(out);
    refused_connections.write(out);
    write_seed_families(*this, out);
    return out;
}

std::string_view infisical_status_label(unsigned http_status) {
    switch (http_status) {
    case 200:
        return "success";
    case 401:
        return "invalid_signature";
    case 400:
        return "invalid_payload";
    case 413:
        return "payload_too_large";
    case 503:
        return "unavailable";
    default:
        return http_status >= 400 && http_status < 500 ? "rejected" : "error";
    }
}

void count_deployment(agent_metrics& m, std::string_view app, std::string_view result,
                      double seconds) {
    m.deployments.increment({std::string(app), std::string(result)});
    if (result != "superseded") {
        m.deployment_duration.observe({std::string(app), std::string(result)}, seconds);
    }
}

void count_delivery(agent_metrics& m, std::string_view source, std::string_view outcome,
                    std::string_view reason) {
    m.deliveries.increment({std::string(source), std::string(outcome),
                            outcome == "refused" ? std::string(reason) : std::string()});
}

agent_metrics& process_metrics() {
    static agent_metrics instance;
    return instance;
}

std::string_view metric_path(std::string_view path) {
    static constexpr std::array<std::string_view, 9> known = {
        "/webhook",       "/webhooks/github", "/webhooks/gitea", "/webhooks/gitlab",
        "/webhooks/infisical", "/webhooks/infisical/test", "/healthz", "/readyz", "/metrics"};
    for (auto k : known) {
        if (path == k) {
            return k;
        }
    }
    if (path == "/api" || path.starts_with("/api/")) {
        return "/api";
    }
    return "other";
}

}  // namespace agent::metrics
