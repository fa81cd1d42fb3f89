#include "deploy/graceful_stop.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"

namespace agent {

std::chrono::seconds stop_grace_from_environment(const environment& env) {
    const char* text = env.get("STOP_GRACE_SECONDS");
    if (text == nullptr || *text == '\0') {
        return std::chrono::seconds(8);
    }
    char* end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (*end != '\0' || value < 0 || value > 3600) {
        spdlog::warn("STOP_GRACE_SECONDS must be a whole number of seconds from 0 to 3600, not "
                     "'{}': using 8",
                     text);
        return std::chrono::seconds(8);
    }
    return std::chrono::seconds(value);
}

boost::asio::awaitable<void> stop_at_safe_point(std::function<std::size_t()> running,
                                                std::chrono::seconds grace,
                                                std::function<void()> stop) {
    const auto deadline = std::chrono::steady_clock::now() + grace;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    while (running() > 0 && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(50));
        co_await timer.async_wait(boost::asio::use_awaitable);
    }
    if (running() > 0) {
        spdlog::warn("stopping with {} deploy(s) unfinished after {} s: the next start finishes "
                     "or reverts them",
                     running(), grace.count());
    } else {
        spdlog::info("no deploy in progress: stopping");
    }
    stop();
}

}  // namespace agent
