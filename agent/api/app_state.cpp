#include "api/app_state.hpp"

#include <exception>

#include "common/log.hpp"

namespace agent {

boost::asio::awaitable<live_state> inspect_app(docker_client::docker_api& docker, const app_spec& app) {
    live_state live;
    try {
        if (app.service) {
            auto service = co_await docker.inspect_service(*app.service);
            if (!service) {
                live.state = "missing";
            } else {
                const std::string& update = service->update_status.state;
                live.state = (update.empty() || update == "completed") ? "running" : update;
                live.image = service->image;
            }
        } else {
            auto info = co_await docker.inspect_container(app.container);
            if (!info) {
                live.state = "missing";
            } else {
                live.state = !info->state.status.empty() ? info->state.status
                             : info->state.running       ? "running"
                                                         : "exited";
                live.image = info->image;
            }
        }
    } catch (const std::exception& e) {
        spdlog::warn("api: cannot inspect {} of app {}: {}",
                     app.service ? "service " + *app.service : "container " + app.container,
                     app.name, e.what());
        live.state = "unknown";
    }
    co_return live;
}

}  // namespace agent
