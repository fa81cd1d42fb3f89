#include "support/manual_clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace test {

boost::asio::awaitable<void> manual_clock::sleep_until(time_point when) {
    while (now_ < when) {
        auto timer = std::make_shared<boost::asio::steady_timer>(
            executor_, boost::asio::steady_timer::time_point::max());
        sleepers_.push_back({when, timer});
        co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
}

void manual_clock::advance(std::chrono::milliseconds by) {
    now_ += by;
    for (auto it = sleepers_.begin(); it != sleepers_.end();) {
        if (it->when <= now_) {
            it->timer->cancel();
            it = sleepers_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace test
