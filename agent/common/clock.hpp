#pragma once

#include <chrono>

#include <boost/asio/awaitable.hpp>

namespace agent {

/// The one test seam for time: the queue's debounce and anything else that waits.
class clock {
public:
    using time_point = std::chrono::steady_clock::time_point;
    virtual ~clock() = default;
    virtual time_point now() const = 0;
    /// Suspends the calling coroutine until now() >= `when`.
    virtual boost::asio::awaitable<void> sleep_until(time_point when) = 0;
};

/// std::chrono::steady_clock and asio timers.
class steady_clock_source final : public clock {
public:
    time_point now() const override { return std::chrono::steady_clock::now(); }
    boost::asio::awaitable<void> sleep_until(time_point when) override;
};

/// Suspends the calling coroutine for `d` on an asio timer (no test seam: for waits whose length
/// a test sets, such as a poll interval).
boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d);

}  // namespace agent
