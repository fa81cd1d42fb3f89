#include "api/app_state.hpp"

#include <exception>

#include "common/log.hpp"
#include "engine/app_identity.hpp"

namespace agent {

boost::asio::awaitable<live_state> inspect_app(deploy_engine engine, const app_spec& app) {
    live_state live;
    try {
        if (app.service) {
            auto service = co_await engine.swarm.inspect_service(*app.service);
            if (!service) {
                live.state = "missing";
            } else {
                const std::string& update = service->update_status.state;
                live.state = (update.empty() || update == "completed") ? "running" : update;
                live.image = service->image;
            }
        } else {
            auto info = co_await find_container_exactly(engine.containers, app.container);
            if (!info) {
                live.state = "missing";
            } else {
                live.state = !info->state.status.empty() ? info->state.status
                             : info->state.running       ? "running"
                                                         : "exited";
                live.image = info->image;
                live.health = info->state.health ? *info->state.health : "";
            }
        }
    } catch (const std::exception& e) {
        spdlog::warn("cannot inspect {} of app {}: {}",
                     app.service ? "service " + *app.service : "container " + app.container,
                     app.name, e.what());
        live.state = "unknown";
    }
    co_return live;
}

boost::asio::awaitable<std::vector<app_view>> app_views(deploy_engine engine, history_reader& db,
                                                        std::shared_ptr<const manifest> apps) {
    std::vector<app_view> views;
    views.reserve(apps->apps.size());
    for (const app_spec& app : apps->apps) {
        live_state live = co_await inspect_app(engine, app);
        views.push_back(app_view{app.name, app.service ? std::string() : app.container,
                                 app.service, std::move(live), db.last_deployment(app.name)});
    }
    co_return views;
}

}  // namespace agent
