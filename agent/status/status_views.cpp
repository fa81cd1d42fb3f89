// The page's views: the overview (live container state from the engine), one deployment, and
// the redeploy button's action.
#include <fmt/format.h>

#include "api/api_query.hpp"
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

boost::asio::awaitable<app_row> inspect_app(docker_client::docker_api& docker,
                                            const app_spec& app) {
    app_row row;
    row.name = app.name;
    row.container = app.service ? "service " + *app.service : app.container;
    try {
        if (app.service) {
            auto service = co_await docker.inspect_service(*app.service);
            row.state = !service ? "missing"
                        : (service->update_status.state.empty() ||
                           service->update_status.state == "completed")
                            ? "running"
                            : service->update_status.state;
            row.image = service ? service->image : "";
        } else {
            auto info = co_await docker.inspect_container(app.container);
            row.state = !info                         ? "missing"
                        : !info->state.status.empty() ? info->state.status
                        : info->state.running         ? "running"
                                                      : "exited";
            row.image = info ? info->image : "";
            row.health = info && info->state.health ? *info->state.health : "";
        }
    } catch (const std::exception& e) {
        spdlog::debug("status page: cannot inspect {}: {}", row.container, e.what());
        row.state = "unknown";
    }
    co_return row;
}

}  // namespace

boost::asio::awaitable<http_response> status_routes::overview(const session& who) {
    std::shared_ptr<const manifest> m = s_.manifests.current();
    std::vector<app_row> rows;
    for (const app_spec& app : m->apps) {
        app_row row = co_await inspect_app(s_.docker, app);
        row.last = s_.db.last_deployment(app.name);
        rows.push_back(std::move(row));
    }
    std::vector<delivery_record> unused;
    for (auto& d : s_.db.recent_deliveries(scanned_deliveries)) {
        if ((d.verdict == "refused" || d.verdict == "ignored") && unused.size() < shown_deliveries) {
            unused.push_back(std::move(d));
        }
    }
    co_return html_response(200, overview_page(frame_for(who, "deploy-agent"), rows, unused));
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
    std::optional<planned_job> job;
    if (is_valid_app_name(app)) {
        job = plan_manual(*m, manual_request{std::string(app), force, who.subject});
    }
    if (!job) {
        co_return html_response(404, message_page(frame_for(who, "not found"), "Not found",
                                                  "The manifest has no such app."));
    }
    job->trigger = "status-page";
    // Named arguments: g++ 12 miscompiles string literals inside a co_await expression.
    std::string source = "status-page";
    std::string event = "deploy";
    std::vector<planned_job> jobs{*job};
    std::vector<std::int64_t> ids =
        co_await s_.record(std::move(source), std::move(event), std::string{}, std::move(jobs));
    if (ids.size() != 1) {
        throw std::runtime_error(fmt::format("record gave {} ids for one job", ids.size()));
    }
    s_.queue.submit(deploy_job{ids[0], *job});
    spdlog::info("{} POST {} 303 status page (\"{}\"): queued deployment {} of {}{}",
                 request.client, escape_untrusted(request.path()), escape_untrusted(who.subject),
                 ids[0], job->app,
                 force ? " (force)" : "");
    co_return redirect("/deployments/" + std::to_string(ids[0]));
}

}  // namespace agent::status
