#pragma once

#include <list>
#include <memory>

#include <boost/asio/steady_timer.hpp>

#include "common/clock.hpp"

namespace test {

/// A clock that moves only when the test says so. Sleepers park on a timer that advance()
/// cancels once their time has come.
class manual_clock final : public agent::clock {
public:
    explicit manual_clock(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

    time_point now() const override { return now_; }
    boost::asio::awaitable<void> sleep_until(time_point when) override;
    /// Moves time forward and wakes every sleeper whose time has come.
    void advance(std::chrono::milliseconds by);

private:
    struct sleeper {
        time_point when;
        std::shared_ptr<boost::asio::steady_timer> timer;
    };
    boost::asio::any_io_executor executor_;
    time_point now_{std::chrono::hours(1)};
    std::list<sleeper> sleepers_;
};

}  // namespace test
