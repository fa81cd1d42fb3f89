// deploy-agent with a hook before each recreate step: the kill -9 tests
// (tests/e2e/recreate_e2e_test.cpp) hold a deploy there, its step recorded, and kill it. A test
// build of the program, so that deploy-agent itself has no test switch.
// DA_TEST_PAUSE_BEFORE_STEP=<step> names the step ("rename", "create", "stop", "start",
// "health", "remove"); the deploy waits 10 minutes there.

#include <chrono>
#include <string>

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cli/cli.hpp"
#include "cli/process_environment.hpp"
#include "source/git_ssh.hpp"

namespace {

std::string paused_step;

boost::asio::awaitable<void> pause_before(std::string step) {
    if (paused_step.empty() || step != paused_step) {
        co_return;
    }
    spdlog::warn("test build: pausing before step '{}' for 10 minutes", step);
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor,
                                    std::chrono::minutes(10));
    co_await timer.async_wait(boost::asio::use_awaitable);
}

}  // namespace

int main(int argc, char** argv) {
    const agent::environment env = agent::read_process_environment();
    if (auto exit_code = agent::run_as_git_ssh_if_asked(env, argc, argv)) {
        return *exit_code;
    }
    const char* step = env.get("DA_TEST_PAUSE_BEFORE_STEP");
    paused_step = step != nullptr ? step : "";
    return agent::run_cli(env, argc, argv, pause_before);
}
