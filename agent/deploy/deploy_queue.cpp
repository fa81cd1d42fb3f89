#include "deploy/deploy_queue.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <fmt/format.h>

#include "common/log.hpp"

namespace agent {

deploy_queue::deploy_queue(net::any_io_executor executor, deploy_executor& runner,
                           deployment_journal& journal, manifest_source manifests)
    : executor_(std::move(executor)),
      runner_(runner),
      journal_(journal),
      manifests_(std::move(manifests)) {}

net::awaitable<void> run_lane(deploy_queue& queue, std::string app) {
    for (;;) {
        auto& l = queue.lanes_[app];
        if (!l.waiting) {
            l.running = false;
            co_return;
        }
        deploy_job job = std::move(*l.waiting);
        l.waiting.reset();
        l.running = true;
        // The manifest may have been reloaded since the job was planned: use the current one,
        // and never touch an app it no longer names.
        auto current = queue.manifests_();
        const app_spec* spec = current ? current->find(app) : nullptr;
        if (spec == nullptr) {
            queue.journal_.finished(job.id, app, deploy_result::failed, "",
                                    "the app is no longer in the manifest");
            continue;
        }
        co_await queue.runner_.run(*spec, std::move(job));
    }
}

void deploy_queue::submit(deploy_job job) {
    std::string app = job.plan.app;
    auto& l = lanes_[app];
    if (l.waiting) {
        journal_.finished(l.waiting->id, app, deploy_result::superseded, "",
                          fmt::format("superseded by deployment {}", job.id));
    }
    l.waiting = std::move(job);
    if (!l.running) {
        l.running = true;
        net::co_spawn(executor_, run_lane(*this, app), net::detached);
    }
}

std::size_t deploy_queue::in_flight() const {
    std::size_t n = 0;
    for (const auto& [app, l] : lanes_) {
        n += (l.waiting ? 1 : 0) + (l.running ? 1 : 0);
    }
    return n;
}

}  // namespace agent
