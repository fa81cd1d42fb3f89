#include "source/git_runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace agent {

namespace {

// Two threads: at most MAX_CONCURRENT_DEPLOYS (default 2) syncs are under way at once, and each
// runs its git commands one after another.
net::thread_pool& process_pool() {
    static net::thread_pool pool(2);
    return pool;
}

net::awaitable<process_result> run_on_pool(process_spec spec) {
    co_return run_process(spec);
}

}  // namespace

net::awaitable<process_result> run_process_async(process_spec spec) {
    co_return co_await net::co_spawn(process_pool(), run_on_pool(std::move(spec)),
                                     net::use_awaitable);
}

}  // namespace agent
