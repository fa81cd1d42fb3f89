#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/client_log_budget.hpp"

namespace agent {

/// A client_log_budget as the routes use it on their io thread: a line beyond the budget is
/// counted, and while such lines come a summary is logged once a second ("<source> flood: …")
/// and handed to `on_summary` (the router records refused-delivery summaries in the history).
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

    /// Whether a line from `client` now would be logged (else its diagnosis need not be built).
    bool would_admit(const std::string& client) const;

    /// The budget these lines are taken from (to share it with lines of another kind).
    const std::shared_ptr<client_log_budget>& budget() const { return lines_; }

private:
    friend boost::asio::awaitable<void> sum_up_held_lines(std::shared_ptr<line_budget> self);

    std::shared_ptr<client_log_budget> lines_;
    std::string what_;
    std::string source_;
    std::function<void(const std::string&)> on_summary_;
    bool summing_up_ = false;
};

}  // namespace agent
