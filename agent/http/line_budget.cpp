#include "http/line_budget.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"

namespace agent {

// Logs the summary of held-back lines each second while a flood lasts.
boost::asio::awaitable<void> sum_up_held_lines(std::shared_ptr<line_budget> self) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    do {
        timer.expires_after(std::chrono::seconds(1));
        co_await timer.async_wait(boost::asio::use_awaitable);
        if (auto summary =
                self->lines_->take_summary(std::chrono::steady_clock::now(), self->what_)) {
            spdlog::warn("{} flood: {} were not logged one by one (at most {} a second are)",
                         self->source_, *summary, self->lines_->per_second());
            if (self->on_summary_) {
                self->on_summary_(*summary);
            }
        }
    } while (self->lines_->holding(self->what_));
    self->summing_up_ = false;
}

line_budget::line_budget(std::string what, std::string source, std::size_t per_second,
                         std::function<void(const std::string& summary)> on_summary)
    : line_budget(what, std::move(source),
                  std::make_shared<client_log_budget>(
                      what, per_second, std::min(per_second, client_log_budget::default_per_client)),
                  std::move(on_summary)) {}

line_budget::line_budget(std::string what, std::string source,
                         std::shared_ptr<client_log_budget> shared,
                         std::function<void(const std::string& summary)> on_summary)
    : lines_(std::move(shared)),
      what_(std::move(what)),
      source_(std::move(source)),
      on_summary_(std::move(on_summary)) {}

boost::asio::awaitable<bool> line_budget::admit(std::string client, std::string code) {
    if (lines_->admit(std::chrono::steady_clock::now(), client, code, what_)) {
        co_return true;
    }
    if (!summing_up_) {
        summing_up_ = true;
        auto executor = co_await boost::asio::this_coro::executor;
        boost::asio::co_spawn(executor, sum_up_held_lines(shared_from_this()),
                              boost::asio::detached);
    }
    co_return false;
}

bool line_budget::would_admit(const std::string& client) const {
    return lines_->would_admit(std::chrono::steady_clock::now(), client);
}

}  // namespace agent
