// The page's views: the overview (the apps as api/app_state shows them), one deployment, and
// the redeploy button's action.
#include <fmt/format.h>

#include "accept/manual_deploy.hpp"
#include "api/api_query.hpp"
#include "api/app_state.hpp"
#include "common/escape.hpp"
#include "common/log.hpp"
#include "manifest/syntax.hpp"
#include "planner/planner.hpp"
#include "status/pages.hpp"
#include "status/responses.hpp"
#include "status/status_routes.hpp"

namespace agent::status {

namespace {

// Deliveries that deployed nothing (refused, ignored) are found among this many newest ones,
// and at most `shown_deliveries` shown.
constexpr std::size_t scanned_deliveries = 500;
constexpr std::size_t shown_deliveries = 20;

}  // namespace

boost::asio::awaitable<http_response> status_routes::overview(const session& who) {
    std::vector<app_view> apps = co_await app_views(s_.docker, s_.db, s_.manifests.current());
    std::vector<delivery_record> unused;
    for (auto& d : s_.db.recent_deliveries(scanned_deliveries)) {
        if ((d.verdict == "refused" || d.verdict == "ignored") && unused.size() < shown_deliveries) {
            unused.push_back(std::move(d));
        }
    }
    co_return html_response(200, overview_page(frame_for(who, "deploy-agent"), apps, unused));
}

http_response status_routes::deployment(const session& who, std::string_view id_text) {
    auto id = parse_id(id_text);
    auto d = id ? s_.db.get_deployment(*id) : std::nullopt;
    if (!d) {
        return html_response(404, message_page(frame_for(who, "not found"), "Not found",
                                               "No such deployment (it may have been pruned)."));
    }
    const bool live = !is_terminal(d->state);
    return html_response(
        200, deployment_page(frame_for(who, fmt::format("#{} {} {}", d->id, d->app,
                                                        to_string(d->state)),
                                       live),
                             *d, s_.db.steps(*id), s_.db.notification_attempts(*id)));
}

boost::asio::awaitable<http_response> status_routes::redeploy(const http_request& request,
                                                              const session& who,
                                                              std::string_view app) {
    std::shared_ptr<const manifest> m = s_.manifests.current();
    const bool force = form_value(request.body, "force") == "1";
    std::string source = "status-page";
    accept_decision decision{accept_decision::kind::refuse, "invalid app name", {}, {}};
    if (is_valid_app_name(app)) {
        decision =
            decide_manual_request(*m, manual_request{std::string(app), force, who.subject}, source);
    }
    if (decision.what != accept_decision::kind::accept) {
        co_return html_response(404, message_page(frame_for(who, "not found"), "Not found",
                                                  "The manifest has no such app."));
    }
    const std::string app_name = decision.jobs.at(0).app;
    const std::int64_t id =
        co_await queue_manual_deploy(s_.accept, std::move(decision), std::move(source));
    spdlog::info("{} POST {} 303 status page (\"{}\"): queued deployment {} of {}{}",
                 request.client, escape_untrusted(request.path()), escape_untrusted(who.subject),
                 id, app_name, force ? " (force)" : "");
    co_return redirect("/deployments/" + std::to_string(id));
}

}  // namespace agent::status
