#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "accept/manual_deploy.hpp"
#include "api/api_query.hpp"
#include "api/bearer_token.hpp"
#include "api/deployment_json.hpp"
#include "deploy/deploy_engine.hpp"
#include "deploy/deploy_queue.hpp"
#include "http/line_budget.hpp"
#include "http/message.hpp"
#include "manifest/manifest_holder.hpp"
#include "planner/planned_job.hpp"
#include "store/history_reader.hpp"

namespace agent {

/// What /api needs from the rest of the agent. References must outlive the api_routes.
struct api_services {
    manifest_holder& manifests;
    history_reader& db;
    /// Records and queues a manual deploy.
    acceptor& accept;
    deploy_engine docker;  ///< the app views and the dry run
    /// JWT_SECRET (read_secret_from_env("JWT_SECRET")->value); nullopt or empty: every /api
    /// request is answered 503 "API not configured: set JWT_SECRET".
    std::optional<std::string> jwt_secret;
    /// TOKEN_MAX_TTL: the longest lifetime a token may have.
    std::chrono::seconds token_max_ttl = default_token_max_ttl;
    /// The budget of every line a client can cause (shared with the server and the other
    /// routes); null: one of the API's own.
    std::shared_ptr<client_log_budget> log_budget = nullptr;
};

/// The authenticated API (ARCHITECTURE.md "HTTP endpoints"): every path under /api/.
/// In order: 503 when JWT_SECRET is not configured; 401 unless the Authorization header carries
/// a valid HS256 bearer token (verify_token; the precise problem is logged, never the token);
/// then 404 for an unknown path, 405 (with Allow) for a wrong method, 400 for an invalid app
/// name, id or query value. Endpoints:
///   GET  /api/apps                     {"apps":[{"name","container","image","state",
///                                      "last_deployment"}]}, manifest order
///   POST /api/apps/{app}/deploy[?force=1]  202 {"success":true,"deployment":{"id","app"}};
///                                      404 when the manifest has no such app (nothing queued)
///   GET  /api/deployments[?app=&limit=]    {"deployments":[…]} newest first, limit default 50,
///                                      at most 500
///   GET  /api/deployments/{id}         the deployment plus "steps":[{"at","message"}]; 404
///   GET  /api/deployments/{id}/events  its state and step log as server-sent events until it
///                                      ends (api/deployment_events.hpp)
/// One log line per request.
class api_routes {
  public:
    explicit api_routes(api_services services);

    /// Answers one request whose path starts with "/api". `request` must stay alive until the
    /// coroutine completes. Never throws: a store failure is 503, anything else unexpected 500.
    boost::asio::awaitable<http_response> handle(const http_request& request);

  private:
    boost::asio::awaitable<http_response> route(
        const http_request& request, const std::string& subject,
        std::optional<std::chrono::system_clock::time_point> token_expires_at);
    boost::asio::awaitable<http_response> list_apps(const http_request& request);
    boost::asio::awaitable<http_response> deploy(const http_request& request,
                                                 const std::string& app,
                                                 const std::string& subject);
    http_response list_deployments(const http_request& request);
    http_response show_deployment(const http_request& request, std::string_view id_text);

    api_services s_;
    std::shared_ptr<line_budget> refusals_;  // 401 and 503 lines: anyone can cause them
};


}  // namespace agent
