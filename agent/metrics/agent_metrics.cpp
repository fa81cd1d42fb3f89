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

http_response exposition_response(const agent_metrics& m) {
    return http_response{200, m.render(), std::string(exposition_content_type), {}};
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

void counting_journal::started(std::int64_t id, std::string_view app, std::string_view old_image) {
    next_.started(id, app, old_image);
}

void counting_journal::step(std::int64_t id, std::string_view message) { next_.step(id, message); }

void counting_journal::finished(std::int64_t id, std::string_view app, deploy_result result,
                                std::string_view new_image, std::string_view error) {
    metrics_.deployments.increment({std::string(app), std::string(to_string(result))});
    next_.finished(id, app, result, new_image, error);
}

void counting_journal::superseded(std::int64_t id, std::string_view app, std::int64_t by_id) {
    metrics_.deployments.increment(
        {std::string(app), std::string(to_string(deploy_result::superseded))});
    next_.superseded(id, app, by_id);
}

}  // namespace agent::metrics
