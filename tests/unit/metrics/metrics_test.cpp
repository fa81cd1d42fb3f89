// The Prometheus text exposition the agent writes on GET /metrics.
#include <catch2/catch.hpp>

#include "deploy/counting_journal.hpp"
#include "metrics/agent_metrics.hpp"

namespace metrics_test {

using namespace agent::metrics;

TEST_CASE("counters are written with escaped labels", "[metrics]") {
    counter_family c("demo_total", "A demo.", {"path", "status"});
    c.increment({"/webhook", "202"});
    c.increment({"/webhook", "202"}, 2);
    c.increment({"weird\"\\\n", "400"});
    c.increment({"too few labels"});  // ignored
    CHECK(c.value({"/webhook", "202"}) == 3);
    CHECK(c.value({"/nothing", "200"}) == 0);
    std::string out;
    c.write(out);
    CHECK(out == "# HELP demo_total A demo.\n# TYPE demo_total counter\n"
                 "demo_total{path=\"/webhook\",status=\"202\"} 3\n"
                 "demo_total{path=\"weird\\\"\\\\\\n\",status=\"400\"} 1\n");
}

TEST_CASE("histograms write cumulative buckets, sum and count", "[metrics]") {
    histogram_family h("lat_seconds", "Latency.", {"path"}, {0.1, 0.01, 1});
    h.observe({"/a"}, 0.005);
    h.observe({"/a"}, 0.01);  // a bound is inclusive (le)
    h.observe({"/a"}, 0.5);
    h.observe({"/a"}, 7);
    CHECK(h.count({"/a"}) == 4);
    std::string out;
    h.write(out);
    CHECK_THAT(out, Catch::Contains("# TYPE lat_seconds histogram\n"));
    CHECK_THAT(out, Catch::Contains("lat_seconds_bucket{path=\"/a\",le=\"0.01\"} 2\n"));
    CHECK_THAT(out, Catch::Contains("lat_seconds_bucket{path=\"/a\",le=\"0.1\"} 2\n"));
    CHECK_THAT(out, Catch::Contains("lat_seconds_bucket{path=\"/a\",le=\"1\"} 3\n"));
    CHECK_THAT(out, Catch::Contains("lat_seconds_bucket{path=\"/a\",le=\"+Inf\"} 4\n"));
    CHECK_THAT(out, Catch::Contains("lat_seconds_sum{path=\"/a\"} 7.515\n"));
    CHECK_THAT(out, Catch::Contains("lat_seconds_count{path=\"/a\"} 4\n"));
}

TEST_CASE("the agent's metrics render every family", "[metrics]") {
    agent_metrics m;
    count_delivery(m, "github", "refused", "bad_signature");
    count_delivery(m, "github", "ignored", "ignored: no app deploys a/b refs/heads/x");
    m.http_requests.increment({std::string(metric_path("/webhook")), "401"});
    m.request_duration.observe({std::string(metric_path("/webhook"))}, 0.002);
    m.open_connections.add(3);
    m.open_connections.add(-1);
    m.refused_connections.increment({"max_connections"});
    agent::log_journal log;
    agent::counting_journal journal(log, m);
    journal.started(1, "web", "sha256:old");
    journal.finished(1, "web", agent::deploy_result::succeeded, "sha256:x", "");
    journal.superseded(2, "web", 3);
    const std::string text = m.render();
    CHECK_THAT(text, Catch::Contains(
                         "deploy_agent_deliveries_total{source=\"github\",outcome=\"refused\","
                         "reason=\"bad_signature\"} 1\n"));
    // Free-text reasons of non-refusals never become label values.
    CHECK_THAT(text, Catch::Contains(
                         "deploy_agent_deliveries_total{source=\"github\",outcome=\"ignored\","
                         "reason=\"\"} 1\n"));
    CHECK_THAT(text, Catch::Contains(
                         "deploy_agent_http_requests_total{path=\"/webhook\",status=\"401\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("deploy_agent_http_request_duration_seconds_count{path="
                                     "\"/webhook\"} 1\n"));
    CHECK_THAT(text, Catch::Contains(
                         "deploy_agent_deployments_total{app=\"web\",result=\"succeeded\"} 1\n"));
    CHECK_THAT(text, Catch::Contains(
                         "deploy_agent_deployments_total{app=\"web\",result=\"superseded\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("deploy_agent_open_connections 2\n"));
    CHECK_THAT(text, Catch::Contains(
                         "deploy_agent_connections_refused_total{reason=\"max_connections\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("# TYPE deploy_agent_open_connections gauge\n"));
    // A finished deployment is timed; a superseded one never ran.
    CHECK_THAT(text, Catch::Contains("deploy_agent_deployment_duration_seconds_count{app=\"web\","
                                     "result=\"succeeded\"} 1\n"));
    CHECK_THAT(text, !Catch::Contains("deploy_agent_deployment_duration_seconds_count{app=\"web\","
                                      "result=\"superseded\"}"));
}

TEST_CASE("the replaced service's Infisical metrics keep their names", "[metrics]") {
    agent_metrics m;
    for (unsigned status : {200u, 200u, 401u, 400u, 503u, 404u}) {
        m.http_requests.increment({"/webhooks/infisical", std::to_string(status)});
    }
    m.http_requests.increment({"/webhook", "401"});  // another endpoint: not counted
    m.request_duration.observe({"/webhooks/infisical"}, 0.023);
    const std::string text = m.render();
    CHECK_THAT(text, Catch::Contains("# TYPE infisical_webhook_requests_total counter\n"));
    CHECK_THAT(text, Catch::Contains("infisical_webhook_requests_total{status=\"success\"} 2\n"));
    CHECK_THAT(text, Catch::Contains(
                         "infisical_webhook_requests_total{status=\"invalid_signature\"} 1\n"));
    CHECK_THAT(text, Catch::Contains(
                         "infisical_webhook_requests_total{status=\"invalid_payload\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("infisical_webhook_requests_total{status=\"unavailable\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("infisical_webhook_requests_total{status=\"rejected\"} 1\n"));
    CHECK_THAT(text, Catch::Contains(
                         "# TYPE infisical_webhook_processing_duration_seconds histogram\n"));
    CHECK_THAT(text, Catch::Contains("infisical_webhook_processing_duration_seconds_count 1\n"));
    CHECK_THAT(text, Catch::Contains(
                         "infisical_webhook_processing_duration_seconds_bucket{le=\"0.025\"} 1\n"));
}

TEST_CASE("queue depth and engine errors are what they were told", "[metrics]") {
    agent_metrics m;
    m.queue_depth.set(3);
    m.engine_errors.increment({"transport"});
    m.engine_errors.increment({"5xx"}, 2);
    const std::string text = m.render();
    CHECK_THAT(text, Catch::Contains("deploy_agent_queue_depth 3\n"));
    CHECK_THAT(text, Catch::Contains("deploy_agent_engine_errors_total{kind=\"5xx\"} 2\n"));
    CHECK_THAT(text, Catch::Contains("deploy_agent_engine_errors_total{kind=\"transport\"} 1\n"));
}

TEST_CASE("request paths map to a bounded label set", "[metrics]") {
    CHECK(metric_path("/webhook") == "/webhook");
    CHECK(metric_path("/webhooks/infisical/test") == "/webhooks/infisical/test");
    CHECK(metric_path("/api/deployments/17") == "/api");
    CHECK(metric_path("/api") == "/api");
    CHECK(metric_path("/wp-login.php") == "other");
    CHECK(metric_path("/apix") == "other");
    CHECK(metric_path("") == "other");
}

TEST_CASE("an empty registry renders every family's header", "[metrics]") {
    agent_metrics m;
    const std::string text = m.render();
    CHECK_THAT(text, Catch::Contains("# TYPE deploy_agent_deliveries_total counter"));
    CHECK_THAT(text, Catch::Contains("infisical_webhook_processing_duration_seconds_count 0\n"));
    CHECK(exposition_content_type == "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace metrics_test
