#include "api/manual_deploy.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace agent {

boost::asio::awaitable<std::int64_t> queue_manual_deploy(const delivery_recorder& record,
                                                         deploy_queue& queue, planned_job job,
                                                         std::string source) {
    // Whatever the caller's subject says, the trigger is where the request came in.
    job.trigger = source;
    // Named arguments: g++ 12 miscompiles string literals inside a co_await expression.
    std::string event = "deploy";
    std::vector<planned_job> jobs{job};
    std::vector<std::int64_t> ids =
        co_await record(std::move(source), std::move(event), std::string{}, std::move(jobs));
    if (ids.size() != 1) {
        throw std::runtime_error(fmt::format("record gave {} ids for one job", ids.size()));
    }
    queue.submit(deploy_job{ids[0], std::move(job)});
    co_return ids[0];
}

}  // namespace agent
