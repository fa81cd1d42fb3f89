#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "api/api_routes.hpp"
#include "deploy/deploy_queue.hpp"
#include "http/message.hpp"
#include "http/client_log_budget.hpp"
#include "http/line_budget.hpp"
#include "http/readiness.hpp"
#include "intake/github_intake.hpp"
#include "intake/infisical_intake.hpp"
#include "intake/replay_memory.hpp"
#include "manifest/manifest_holder.hpp"
#include "planner/planner.hpp"
#include "secrets/secrets_service.hpp"
#include "store/store.hpp"

namespace agent {

namespace status {
class status_routes;
}

/// What the endpoints need from the rest of the agent. References must outlive the router.
struct route_services {
    manifest_holder& manifests;
    deploy_queue& queue;
    /// Records an accepted delivery (verdict, reason and time are filled in) with its jobs,
    /// durably, and gives each job its deployment id, in order.
    std::function<boost::asio::awaitable<std::vector<std::int64_t>>(delivery_record delivery,
                                                                    std::vector<planned_job> jobs)>
        record;
    /// Records a delivery that queued nothing (ignored, refused, duplicate, or accepted with no
    /// app to redeploy). Must not throw.
    std::function<void(delivery_record delivery)> note;
    /// Counts a refusal that the flood gate kept out of the log and the history (metrics count
    /// every refusal; `note` counts the others). Must not throw.
    std::function<void(std::string source, std::string reason)> count_refused;
    /// Refusals (and 404/405 lines) logged and recorded one by one per second and source; the
    /// rest are summed up once a second (client_log_budget).
    std::size_t refusals_per_second = client_log_budget::default_per_second;
    /// The budget of every line a client can cause, shared with the server
    /// (server_options::log_budget) so that one budget holds for all. Null: the router keeps
    /// budgets of its own, of refusals_per_second lines each.
    std::shared_ptr<client_log_budget> log_budget = nullptr;
    /// Whether a delivery with this id was already accepted (GitHub redeliveries).
    std::function<bool(std::string_view delivery_id)> already_accepted;
    /// Whether a delivery with this replay key was recorded and the key is still valid at
    /// `now_ms` (store::replay_seen): replays across restarts.
    std::function<bool(std::string_view replay_key, std::int64_t now_ms)> replay_seen;
    secret_source secrets;
    github_intake_options github;
    /// The Infisical webhook secret (INFISICAL_WEBHOOK_SECRET), read at start.
    std::optional<configured_secret> infisical_secret;
    /// The window, INFISICAL_ALLOW_UNTIMED and ALLOW_UNSIGNED_WEBHOOKS (the clock is the
    /// system's unless set).
    infisical_intake_options infisical;
    auto_redeploy_policy auto_redeploy;
    /// The Infisical cache and change detection; null when Infisical is not configured (then a
    /// change is planned by plan_infisical_change alone).
    secrets_service* infisical_secrets = nullptr;
    /// The bearer-token API under /api; null answers 503 (no JWT_SECRET).
    api_routes* api = nullptr;
    /// GET /readyz's checks (http/readiness.hpp); null answers 503.
    const readiness* ready = nullptr;
    /// The status page (STATUS_PAGE=true); null: its paths are 404.
    status::status_routes* status = nullptr;
};

/// Maps each request to its endpoint (ARCHITECTURE.md "HTTP endpoints"); one log line per request.
class router {
public:
    explicit router(route_services services);

    /// Answers one request. Never throws.
    boost::asio::awaitable<http_response> handle(http_request request);

private:
    boost::asio::awaitable<http_response> github(const http_request& request);
    boost::asio::awaitable<http_response> accept_push(const http_request& request,
                                                      const github_verdict& verdict);
    boost::asio::awaitable<http_response> infisical(const http_request& request);
    boost::asio::awaitable<http_response> accept_change(const http_request& request,
                                                        const infisical_verdict& verdict);
    boost::asio::awaitable<http_response> ready();
    /// 404 or 405 for `request`, logged within the client log budget.
    boost::asio::awaitable<http_response> unrouted(const http_request& request,
                                                   http_response answer);

    /// True: log and record this refusal. False: the budget holds it back (metrics count it),
    /// and a summary is logged and recorded once its second is over.
    boost::asio::awaitable<bool> admit_refusal(const std::shared_ptr<line_budget>& lines,
                                               std::string source, std::string client,
                                               std::string code);
    /// Whether `key` belongs to a delivery already accepted (in this process or, through the
    /// store, before a restart).
    bool is_replay(const std::string& key, std::int64_t now_ms) const;

    route_services s_;
    std::shared_ptr<line_budget> github_refusals_;
    std::shared_ptr<line_budget> infisical_refusals_;
    std::shared_ptr<line_budget> unrouted_;  // 404 and 405 lines
    replay_memory replays_;
};

}  // namespace agent
