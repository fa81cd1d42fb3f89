#include "accept/manual_deploy.hpp"

#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace agent {

boost::asio::awaitable<std::int64_t> queue_manual_deploy(acceptor& accept, accept_decision decision,
                                                         std::string source) {
    if (decision.what != accept_decision::kind::accept || decision.jobs.size() != 1) {
        throw std::invalid_argument(
            fmt::format("a manual deploy is one accepted job, not {}", decision.jobs.size()));
    }
    // Named first: g++ 12 miscompiles string literals inside a co_await expression.
    delivery_record asked{"", std::move(source), "deploy", "", "", 0};
    std::vector<std::int64_t> ids =
        co_await accept.accept(std::move(asked), std::move(decision.jobs));
    co_return ids.at(0);
}

}  // namespace agent
