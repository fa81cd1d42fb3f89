#include "common/clock.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace agent {

boost::asio::awaitable<void> steady_clock_source::sleep_until(time_point when) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, when);
    co_await timer.async_wait(boost::asio::use_awaitable);
}

boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
    co_await timer.async_wait(boost::asio::use_awaitable);
}

}  // namespace agent
