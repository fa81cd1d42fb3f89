#include "http/line_budget.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"

namespace agent {

namespace {

// One line a second while lines are held back; the last one once they no longer are.
boost::asio::awaitable<void> sum_up_client_lines(std::shared_ptr<client_log_budget> lines) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    do {
        timer.expires_after(std::chrono::seconds(1));
        co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (auto summary = lines->take_summaries(std::chrono::steady_clock::now())) {
            spdlog::warn(
                "{} were not logged one by one (at most {} lines a second, {} per client, are; "
                "/metrics counts every one)",
                *summary, lines->per_second(), lines->per_client());
        }
    } while (lines->holding_any());
    lines->stop_summing_up();
}

}  // namespace

void sum_up_client_lines_on(const boost::asio::any_io_executor& executor,
                            const std::shared_ptr<client_log_budget>& lines) {
    if (lines->start_summing_up()) {
        boost::asio::co_spawn(executor, sum_up_client_lines(lines), boost::asio::detached);
    }
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
    : lines_(std::move(shared)), what_(std::move(what)) {
    lines_->describe(what_, std::move(source), std::move(on_summary));
}

boost::asio::awaitable<bool> line_budget::admit(std::string client, std::string code) {
    auto executor = co_await boost::asio::this_coro::executor;
    co_return admit(executor, client, code);
}

bool line_budget::admit(const boost::asio::any_io_executor& executor, std::string_view client,
                        std::string_view code) {
    if (lines_->admit(std::chrono::steady_clock::now(), client, code, what_)) {
        return true;
    }
    sum_up_client_lines_on(executor, lines_);
    return false;
}

bool line_budget::would_admit(const std::string& client) const {
    return lines_->would_admit(std::chrono::steady_clock::now(), client);
}

}  // namespace agent
