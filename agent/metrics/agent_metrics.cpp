#include "metrics/agent_metrics.hpp"

#include <array>

namespace agent::metrics {

std::string agent_metrics::render() const {
    std::string out;
    out.reserve(4096);
    deliveries.write(out);
    http_requests.write(out);
    request_duration.write(out);
    deployments.write(out);
    open_connections.write(out);
    refused_connections.write(out);
    return out;
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
    static constexpr std::array<std::string_view, 7> known = {
        "/webhook", "/webhooks/github", "/webhooks/infisical", "/webhooks/infisical/test",
        "/healthz", "/readyz",          "/metrics"};
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
