#include "deploy/deploy_queue.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <fmt/format.h>

#include "common/log.hpp"

namespace agent {

deploy_queue::deploy_queue(net::any_io_executor executor, job_runner runner,
                           deployment_journal& journal, manifest_source manifests, clock& time,
                           queue_options options)
    : executor_(std::move(executor)),
      runner_(std::move(runner)),
      journal_(journal),
      manifests_(std::move(manifests)),
      clock_(time),
      options_(options) {
    options_.max_concurrent_apps = std::max<std::size_t>(1, options_.max_concurrent_apps);
}

net::awaitable<void> run_lane(deploy_queue& queue, std::string app) {
    for (;;) {
        auto& l = queue.lanes_[app];
        if (!l.waiting) {
            break;
        }
        // Debounce: wait until the burst is quiet, but never more than 5x the debounce after
        // the first job of the burst, so a steady stream cannot starve the app.
        const auto limit = l.first_submitted + 5 * queue.options_.debounce;
        auto start_at = std::min(l.last_submitted + queue.options_.debounce, limit);
        while (queue.clock_.now() < start_at) {
            co_await queue.clock_.sleep_until(start_at);
            start_at = std::min(queue.lanes_[app].last_submitted + queue.options_.debounce, limit);
        }
        auto& lane = queue.lanes_[app];
        lane.running = std::move(lane.waiting);
        lane.waiting.reset();
        queue.report_waiting();
        deploy_job job = *lane.running;
        // The manifest may have been reloaded since the job was planned: use the current one,
        // and never touch an app it no longer names.
        auto current = queue.manifests_();
        const app_spec* spec = current ? current->find(app) : nullptr;
        if (spec == nullptr) {
            queue.journal_.finished(job.id, app, deploy_result::failed, "",
                                    "the app is no longer in the manifest");
        } else {
            co_await queue.runner_(*spec, std::move(job));
        }
        // The writer thread records the job's states: the lane goes on once they are durable.
        co_await queue.journal_.settled();
        queue.lanes_[app].running.reset();
    }
    queue.lanes_[app].active = false;
    --queue.running_;
    queue.start_lanes();
}

void deploy_queue::submit(deploy_job job) {
    const std::string app = job.plan.app;
    auto& l = lanes_[app];
    const auto now = clock_.now();
    if (l.waiting) {
        journal_.superseded(l.waiting->id, app, job.id);
    } else {
        l.first_submitted = now;
    }
    l.last_submitted = now;
    l.waiting = std::move(job);
    report_waiting();
    if (!l.active && std::find(ready_.begin(), ready_.end(), app) == ready_.end()) {
        ready_.push_back(app);
    }
    start_lanes();
}

void deploy_queue::start_lanes() {
    while (running_ < options_.max_concurrent_apps && !ready_.empty()) {
        std::string app = std::move(ready_.front());
        ready_.pop_front();
        auto& l = lanes_[app];
        if (l.active || !l.waiting) {
            continue;
        }
        l.active = true;
        ++running_;
        net::co_spawn(executor_, run_lane(*this, app), net::detached);
    }
}

std::optional<std::int64_t> deploy_queue::in_flight_for(std::string_view app,
                                                        std::string_view commit) const {
    if (commit.empty()) {
        return std::nullopt;
    }
    auto it = lanes_.find(app);
    if (it == lanes_.end()) {
        return std::nullopt;
    }
    for (const auto* job : {&it->second.waiting, &it->second.running}) {
        if (*job && (*job)->plan.commit == commit) {
            return (*job)->id;
        }
    }
    return std::nullopt;
}

void deploy_queue::report_waiting() const {
    if (!waiting_observer_) {
        return;
    }
    std::size_t waiting = 0;
    for (const auto& [app, l] : lanes_) {
        waiting += l.waiting ? 1 : 0;
    }
    waiting_observer_(waiting);
}

std::size_t deploy_queue::in_flight() const {
    std::size_t n = 0;
    for (const auto& [app, l] : lanes_) {
        n += (l.waiting ? 1 : 0) + (l.running ? 1 : 0);
    }
    return n;
}

}  // namespace agent
