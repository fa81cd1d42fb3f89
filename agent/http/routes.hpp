#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "deploy/deploy_queue.hpp"
#include "http/api_routes.hpp"
#include "http/message.hpp"
#include "http/refusal_gate.hpp"
#include "intake/github_intake.hpp"
#include "intake/infisical_intake.hpp"
#include "manifest/manifest_holder.hpp"
#include "planner/planner.hpp"
#include "secrets/secrets_service.hpp"

namespace agent {

/// What the endpoints need from the rest of the agent. References must outlive the router.
struct route_services {
    manifest_holder& manifests;
    deploy_queue& queue;
    /// Gives each planned job its deployment id (the store's, once recorded).
    std::function<boost::asio::awaitable<std::vector<std::int64_t>>(std::string source,
                                                                    std::string event,
                                                                    std::string delivery_id,
                                                                    std::vector<planned_job> jobs)>
        record;
    /// Records a delivery that queued nothing (ignored, refused, duplicate). Must not throw.
    std::function<void(std::string source, std::string event, std::string delivery_id,
                       std::string verdict, std::string reason)>
        note;
    /// Counts a refusal that the flood gate kept out of the log and the history (metrics count
    /// every refusal; `note` counts the others). Must not throw.
    std::function<void(std::string source, std::string reason)> count_refused;
    /// Refusals logged and recorded one by one per second and source (refusal_gate).
    std::size_t refusals_per_second = refusal_gate::default_per_second;
    /// Whether a delivery with this id was already accepted (GitHub redeliveries).
    std::function<bool(std::string_view delivery_id)> already_accepted;
    secret_source secrets;
    github_intake_options github;
    /// The Infisical webhook secret (INFISICAL_WEBHOOK_SECRET), read at start.
    std::optional<configured_secret> infisical_secret;
    std::chrono::milliseconds infisical_window{std::chrono::minutes{5}};
    auto_redeploy_policy auto_redeploy;
    /// The Infisical cache and change detection; null when Infisical is not configured (then a
    /// change is planned by plan_infisical_change alone).
    secrets_service* infisical_secrets = nullptr;
    /// The bearer-token API under /api; null answers 503 (no JWT_SECRET).
    api_routes* api = nullptr;
    /// True when the engine answers; /readyz uses it.
    std::function<boost::asio::awaitable<bool>()> engine_ready;
};

/// Maps each request to its endpoint (ARCHITECTURE.md "HTTP endpoints"); one log line per request.
class router {
public:
    explicit router(route_services services)
        : s_(std::move(services)),
          github_refusals_(std::make_shared<refusal_flood>(s_.refusals_per_second)),
          infisical_refusals_(std::make_shared<refusal_flood>(s_.refusals_per_second)) {}

    /// Answers one request. Never throws.
    boost::asio::awaitable<http_response> handle(http_request request);

private:
    boost::asio::awaitable<http_response> github(const http_request& request);
    boost::asio::awaitable<http_response> infisical(const http_request& request);
    boost::asio::awaitable<http_response> ready();

    struct refusal_flood {
        explicit refusal_flood(std::size_t per_second) : gate(per_second) {}
        refusal_gate gate;
        bool summing_up = false;  // a flush_refusals coroutine is running
    };
    /// True: log and record this refusal. False: the flood gate holds it back (counted), and a
    /// summary is logged and recorded once its second is over.
    boost::asio::awaitable<bool> admit_refusal(const std::shared_ptr<refusal_flood>& flood,
                                               const std::string& source, const std::string& code);

    route_services s_;
    std::shared_ptr<refusal_flood> github_refusals_;
    std::shared_ptr<refusal_flood> infisical_refusals_;
};

}  // namespace agent
