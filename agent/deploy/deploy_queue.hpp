#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "deploy/executor.hpp"
#include "manifest/manifest.hpp"

namespace agent {

/// One lane per app: deployments of one app never overlap and run in order; a new job for
/// an app whose lane already has one waiting replaces it (latest wins: the replaced one ends
/// `superseded`). Lanes of different apps run concurrently. All calls on the io_context thread.
class deploy_queue {
public:
    using manifest_source = std::function<std::shared_ptr<const manifest>()>;

    deploy_queue(net::any_io_executor executor, deploy_executor& runner, deployment_journal& journal,
                 manifest_source manifests);

    /// Queues `job` behind whatever its app is running now.
    void submit(deploy_job job);
    /// Jobs queued or running, across all apps.
    std::size_t in_flight() const;

    struct lane {
        std::optional<deploy_job> waiting;
        bool running = false;
    };

private:
    friend net::awaitable<void> run_lane(deploy_queue& queue, std::string app);

    net::any_io_executor executor_;
    deploy_executor& runner_;
    deployment_journal& journal_;
    manifest_source manifests_;
    std::map<std::string, lane> lanes_;
};

}  // namespace agent
