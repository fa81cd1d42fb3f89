#include "cli/serve_routes.hpp"

#include "http/probes.hpp"

namespace agent {

namespace {

// GitHub caps a webhook payload at 25 MB; every other route takes the server's body_limit.
constexpr std::size_t github_body_limit = 25 * 1024 * 1024;

// The list every webhook endpoint falls under when it has none of its own.
constexpr const char* any_webhook_sources = "WEBHOOK_ALLOWED_CIDRS";

// /readyz through the readiness checks: the details for the client only when it may see them.
boost::asio::awaitable<http_response> ready_answer(const readiness* ready, std::string client) {
    http_response r = co_await ready->answer(client);
    co_return r;
}

}  // namespace

route_table serve_routes(const serve_endpoints& endpoints) {
    route_table table;
    webhook_endpoints& webhooks = endpoints.webhooks;
    const route_limits github{github_body_limit,
                              {"GITHUB_WEBHOOK_ALLOWED_CIDRS", any_webhook_sources}};
    table.add(
        "/webhooks/github", {"POST"},
        [&webhooks](const http_request& r) { return webhooks.github(r); }, github);
    // Any forge; the lists of the forges' own routes do not apply (it is GitHub's old path).
    table.add(
        "/webhook", {"POST"}, [&webhooks](const http_request& r) { return webhooks.any_forge(r); },
        github);
    // Gitea and GitLab cap a payload at 25 MB too (GitLab's LimitedEncoder; Gitea has no cap).
    table.add(
        "/webhooks/gitea", {"POST"},
        [&webhooks](const http_request& r) { return webhooks.gitea(r); },
        route_limits{github_body_limit, {"GITEA_WEBHOOK_ALLOWED_CIDRS", any_webhook_sources}});
    table.add(
        "/webhooks/gitlab", {"POST"},
        [&webhooks](const http_request& r) { return webhooks.gitlab(r); },
        route_limits{github_body_limit, {"GITLAB_WEBHOOK_ALLOWED_CIDRS", any_webhook_sources}});
    const route_limits infisical{std::nullopt,
                                 {"INFISICAL_WEBHOOK_ALLOWED_CIDRS", any_webhook_sources}};
    table.add(
        "/webhooks/infisical", {"POST"},
        [&webhooks](const http_request& r) { return webhooks.infisical(r); }, infisical);
    table.add(
        "/webhooks/infisical/test", {"POST"},
        [&webhooks](const http_request& r) { return webhooks.infisical_test(r); }, infisical);
    table.add("/healthz", {"GET", "HEAD"}, &alive_answer);
    const readiness* ready = &endpoints.ready;
    table.add("/readyz", {"GET", "HEAD"},
              [ready](const http_request& r) { return ready_answer(ready, r.client); });
    table.add("/metrics", {"GET", "HEAD"}, &metrics_answer,
              route_limits{std::nullopt, {"METRICS_ALLOWED_CIDRS"}});
    api_routes* api = &endpoints.api;
    table.add_owner(
        "/api…", [](std::string_view path) { return path == "/api" || path.starts_with("/api/"); },
        [api](const http_request& r) { return api->handle(r); },
        route_limits{std::nullopt, {"API_ALLOWED_CIDRS"}});
    if (status::status_routes* page = endpoints.status_page) {
        table.add_owner("the status page", &status::status_routes::owns,
                        [page](const http_request& r) { return page->handle(r); });
    }
    return table;
}

}  // namespace agent
