#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "common/clock.hpp"
#include "deploy/executor.hpp"
#include "manifest/manifest.hpp"

namespace agent {

struct queue_options {
    /// A job waits this long after its submission before it starts, so that a burst of
    /// deliveries for one app becomes one deploy (each newer job restarts the wait, up to 5x).
    std::chrono::milliseconds debounce{300};
    /// How many apps may deploy at the same time.
    std::size_t max_concurrent_apps = 2;
};

/// One lane per app: deployments of one app never overlap and run in order; a new job for an
/// app whose lane already has one waiting replaces it (latest wins: the replaced one ends
/// `superseded`). Lanes of different apps run concurrently up to a bound. All calls on the
/// io_context's thread.
class deploy_queue {
public:
    using manifest_source = std::function<std::shared_ptr<const manifest>()>;
    /// Runs one job; the real one is deploy_executor::run.
    using job_runner = std::function<net::awaitable<deploy_result>(app_spec, deploy_job)>;

    deploy_queue(net::any_io_executor executor, job_runner runner, deployment_journal& journal,
                 manifest_source manifests, clock& time, queue_options options = {});

    /// Queues `job` behind whatever its app is running now.
    void submit(deploy_job job);
    /// The id of a queued or running job of `app` for `commit` (non-empty), if any: a delivery
    /// for the same commit need not queue another.
    std::optional<std::int64_t> in_flight_for(std::string_view app, std::string_view commit) const;
    /// Jobs queued or running, across all apps.
    std::size_t in_flight() const;
    /// From now on, `observer` is told how many jobs wait (queued, not running) whenever that
    /// number may have changed: the metrics' queue depth. It must not throw.
    void on_waiting_changed(std::function<void(std::size_t waiting)> observer) {
        waiting_observer_ = std::move(observer);
    }
    /// Apps deploying right now.
    std::size_t running_apps() const { return running_; }

    struct lane {
        std::optional<deploy_job> waiting;
        clock::time_point first_submitted{};
        clock::time_point last_submitted{};
        std::optional<deploy_job> running;
        bool active = false;  ///< a run_lane coroutine owns this lane
    };

private:
    friend net::awaitable<void> run_lane(deploy_queue& queue, std::string app);
    void start_lanes();
    void report_waiting() const;
    std::function<void(std::size_t)> waiting_observer_;

    net::any_io_executor executor_;
    job_runner runner_;
    deployment_journal& journal_;
    manifest_source manifests_;
    clock& clock_;
    queue_options options_;
    std::map<std::string, lane, std::less<>> lanes_;
    std::deque<std::string> ready_;  ///< apps with a waiting job and no active lane, in order
    std::size_t running_ = 0;
};

}  // namespace agent
