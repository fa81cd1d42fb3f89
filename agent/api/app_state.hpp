#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "deploy/deploy_engine.hpp"
#include "manifest/manifest.hpp"
#include "store/history_reader.hpp"

// Apps as the API (GET /api/apps) and the status page's overview show them.

namespace agent {

// What an app's container (or Swarm service) looks like right now.
struct live_state {
    std::string state;   ///< running | exited | created | paused | … | missing | unknown
    std::string image;   ///< the reference it runs, empty when unknown
    std::string health;  ///< healthy | unhealthy | starting; empty without a healthcheck
};

/// Inspects the app's container (or Swarm service). Never throws: an engine error is logged and
/// gives state "unknown".
boost::asio::awaitable<live_state> inspect_app(deploy_engine engine, const app_spec& app);

/// One app of the manifest with its live state and its last deployment.
struct app_view {
    std::string name;
    std::string container;               ///< empty when the app is a Swarm service
    std::optional<std::string> service;  ///< the Swarm service the app is, if it is one
    live_state live;
    std::optional<deployment_record> last;  ///< the newest deployment of the app, if any
};

/// Every app of `apps`, in manifest order, inspected one after the other (inspect_app). Throws
/// store_error when the store cannot be read. The engine and `db` must outlive the coroutine.
boost::asio::awaitable<std::vector<app_view>> app_views(deploy_engine engine, history_reader& db,
                                                        std::shared_ptr<const manifest> apps);

}  // namespace agent
