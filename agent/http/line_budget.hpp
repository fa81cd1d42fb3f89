#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "http/client_log_budget.hpp"

namespace agent {

/// A client_log_budget as the routes use it on their io thread: a line beyond the budget is
/// counted, and while such lines come one summary line is logged a second for every kind of the
/// budget ("<source> flood: …", sum_up_client_lines_on), each kind's summary handed to its
/// `on_summary` (the router records refused-delivery summaries in the history).
/// Create it with std::make_shared: the summing-up coroutine keeps it alive.
class line_budget : public std::enable_shared_from_this<line_budget> {
public:
    /// Lines of kind `what` within a budget of its own: `per_second` lines a second, at most
    /// client_log_budget::default_per_client of them per client.
    line_budget(std::string what, std::string source, std::size_t per_second,
                std::function<void(const std::string& summary)> on_summary = {});
    /// Lines of kind `what` within `shared`, the budget of everything a client can cause to be
    /// logged (not null).
    line_budget(std::string what, std::string source, std::shared_ptr<client_log_budget> shared,
                std::function<void(const std::string& summary)> on_summary = {});

    /// True: log this line in full. False: it is held back and counted under `code`. Never
    /// throws.
    boost::asio::awaitable<bool> admit(std::string client, std::string code);
    /// The same, for a caller that is not a coroutine: the summing-up runs on `executor`.
    bool admit(const boost::asio::any_io_executor& executor, std::string_view client,
               std::string_view code);

    /// Whether a line from `client` now would be logged (else its diagnosis need not be built).
    bool would_admit(const std::string& client) const;

    /// The budget these lines are taken from (to share it with lines of another kind).
    const std::shared_ptr<client_log_budget>& budget() const { return lines_; }

private:
    std::shared_ptr<client_log_budget> lines_;
    std::string what_;
};

/// While lines of `lines` are held back, logs one summary line a second for all their kinds
/// ("<source> flood: …; <source> flood: … were not logged one by one"), on time whether or not
/// another line comes; started at most once at a time per budget. Never throws.
void sum_up_client_lines_on(const boost::asio::any_io_executor& executor,
                            const std::shared_ptr<client_log_budget>& lines);

}  // namespace agent
