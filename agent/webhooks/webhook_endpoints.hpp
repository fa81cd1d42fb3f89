#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "accept/acceptor.hpp"
#include "http/client_log_budget.hpp"
#include "http/line_budget.hpp"
#include "http/message.hpp"
#include "intake/github_intake.hpp"
#include "intake/infisical_intake.hpp"
#include "manifest/manifest_holder.hpp"
#include "planner/planner.hpp"
#include "secrets/secrets_service.hpp"

// The webhook endpoints: thin glue from a delivery to intake's verdict, the accept stage's
// decision and effect, and the answer, with one log line per delivery (refusals and duplicates
// within the log budget of what a client can cause).

namespace agent {

/// The webhooks' plain settings, read where the program is assembled.
struct webhook_settings {
    secret_source secrets;
    github_intake_options github;
    /// The Infisical webhook secret (INFISICAL_WEBHOOK_SECRET).
    std::optional<configured_secret> infisical_secret;
    /// The window, INFISICAL_ALLOW_UNTIMED and ALLOW_UNSIGNED_WEBHOOKS.
    infisical_intake_options infisical;
    auto_redeploy_policy auto_redeploy;
    /// Refusals and duplicates logged one by one per second and source (refusals also recorded
    /// one by one); the rest are summed up once a second (client_log_budget).
    std::size_t refusals_per_second = client_log_budget::default_per_second;
    /// The budget of every line a client can cause, shared with the server and the router;
    /// null: budgets of their own, of refusals_per_second lines each.
    std::shared_ptr<client_log_budget> log_budget = nullptr;
};

/// What the webhooks use of the rest of the agent. References must outlive the endpoints.
struct webhook_services {
    manifest_holder& manifests;
    acceptor& accept;
    /// The Infisical cache and change detection; null (tests of the front door alone): a change
    /// is planned by plan_infisical_change alone, and its jobs queued before the answer.
    secrets_service* infisical_secrets = nullptr;
};

/// The forge (GitHub, Gitea/Forgejo, GitLab) and Infisical webhook endpoints (ARCHITECTURE.md "HTTP endpoints"); where the
/// program is assembled, each handler is registered in the route table at its paths, with its
/// limits (cli/serve_routes). This object must outlive the table.
class webhook_endpoints {
  public:
    webhook_endpoints(webhook_services services, webhook_settings settings);

    /// A forge delivery: 202 with the deployments queued, 200 ping, ignored or duplicate,
    /// 4xx/503 refused. Answered once the delivery is durable. Throws store_error.
    /// github: /webhooks/github (GitHub only); gitea: /webhooks/gitea (Gitea and Forgejo);
    /// gitlab: /webhooks/gitlab; any_forge: /webhook, the forge told by its event header
    /// (forge_of).
    boost::asio::awaitable<http_response> github(const http_request& request);
    boost::asio::awaitable<http_response> gitea(const http_request& request);
    boost::asio::awaitable<http_response> gitlab(const http_request& request);
    boost::asio::awaitable<http_response> any_forge(const http_request& request);
    /// An Infisical delivery: the cache entries the change covers are dropped, the delivery is
    /// recorded, and the answer goes out before any call to Infisical or the engine; the
    /// comparison of the apps' secrets (redeploy_check in the answer) runs after, its outcome in
    /// the history and the log. Throws store_error.
    boost::asio::awaitable<http_response> infisical(const http_request& request);
    /// 200 {"success":true,"message":"Test webhook received successfully","receivedAt":…}.
    boost::asio::awaitable<http_response> infisical_test(const http_request& request);

  private:
    enum class forge_route { github, gitea, gitlab, any };
    // A forge's log budgets: its refusals, and its duplicates within the refusals' budget (a
    // replay flood costs no write each).
    struct forge_lines {
        std::shared_ptr<line_budget> refusals;
        std::shared_ptr<line_budget> duplicates;
    };
    forge_lines& lines_of(std::string_view source);
    static forge_lines make_lines(const webhook_settings& settings, acceptor& accept,
                                  const std::string& forge);
    boost::asio::awaitable<http_response> forge(const http_request& request, forge_route route);
    boost::asio::awaitable<http_response> accept_push(const http_request& request,
                                                      const github_verdict& verdict);
    boost::asio::awaitable<http_response> accept_change(const http_request& request,
                                                        const infisical_verdict& verdict);
    /// True: log and record this refusal. False: the budget holds it back (metrics count it),
    /// and a summary is logged and recorded once its second is over.
    boost::asio::awaitable<bool> admit_refusal(const std::shared_ptr<line_budget>& lines,
                                               std::string source, std::string client,
                                               std::string code);

    webhook_services s_;
    webhook_settings settings_;
    forge_lines github_lines_;
    forge_lines gitea_lines_;
    forge_lines gitlab_lines_;
    std::shared_ptr<line_budget> infisical_refusals_;
    // The duplicates' lines, within the refusals' budget (a replay flood costs no write each).
    std::shared_ptr<line_budget> infisical_duplicates_;
    std::shared_ptr<line_budget> test_lines_;  // POST /webhooks/infisical/test
};

}  // namespace agent
