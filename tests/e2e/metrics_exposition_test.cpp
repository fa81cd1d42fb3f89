// GET /metrics of the built binary, parsed by the Prometheus project's own text parser
// (Python prometheus_client, Debian package python3-prometheus-client).
#include <cstdio>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "support/agent_process.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"

namespace metrics_exposition_test {

namespace {

std::string run_parser(const std::string& metrics_file) {
    const std::string command = "/usr/bin/python3 " + std::string(DA_SOURCE_DIR) +
                                "/tests/e2e/parse_metrics.py " + metrics_file + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
        out.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    INFO(out);
    REQUIRE(status == 0);
    return out;
}

}  // namespace

TEST_CASE("/metrics parses with the Prometheus text parser and has every family",
          "[e2e][metrics]") {
    const std::string manifest = test::write_temp_file(
        "manifest.yaml",
        "version: 1\napps:\n  web:\n    container: da-metrics-web\n    strategy: restart\n"
        "    triggers:\n      github:\n        repository: example/web\n        branches: [main]\n");
    test::temp_dir data("da-metrics-data");
    test::agent_process agent({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
                              {{"DATA_DIR", data.path.string()},
                               {"INFISICAL_WEBHOOK_SECRET", "metrics-test-secret-0123456789"},
                               {"WEBHOOK_SECRET", "metrics-test-secret-0123456789"}});
    const unsigned short port = agent.port();
    // Something in each family: a refused GitHub push, a refused Infisical delivery, a probe.
    test::http_request(port, "POST", "/webhook",
                       {{"X-GitHub-Event", "push"}, {"Content-Type", "application/json"}}, "{}");
    test::http_request(port, "POST", "/webhooks/infisical",
                       {{"Content-Type", "application/json"}, {"x-infisical-signature", "t=1;00"}},
                       R"({"event":"secrets.modified"})");
    test::http_request(port, "GET", "/healthz");
    auto r = test::http_request(port, "GET", "/metrics");
    REQUIRE(r.status == 200);
    const std::string file = test::write_temp_file("metrics.txt", r.body);

    std::istringstream lines(run_parser(file));
    std::set<std::string> families;
    for (std::string name, type, samples; lines >> name >> type >> samples;) {
        families.insert(name + " " + type);
    }
    INFO(r.body);
    // The parser names counter families without their _total suffix.
    for (const char* expected :
         {"infisical_webhook_requests counter", "infisical_webhook_processing_duration_seconds histogram",
          "deploy_agent_deliveries counter", "deploy_agent_deployments counter",
          "deploy_agent_deployment_duration_seconds histogram", "deploy_agent_queue_depth gauge",
          "deploy_agent_engine_errors counter", "deploy_agent_http_requests counter",
          "deploy_agent_http_request_duration_seconds histogram"}) {
        CHECK(families.count(expected) == 1);
    }
    CHECK_THAT(r.body, Catch::Contains("infisical_webhook_requests_total{status=\"invalid_signature\"} 1"));
    CHECK_THAT(r.body, Catch::Contains(
                           "deploy_agent_deliveries_total{source=\"github\",outcome=\"refused\""));
}

}  // namespace metrics_exposition_test
