#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace agent {

/// One log budget for everything a client can cause (404, 400, 405, 413, 431, 503, refused
/// deliveries, refused connections): in each second at most `per_client` lines per client
/// address and `per_second` lines in all are logged in full; the rest are counted by kind
/// (`what`) and code and summed up once per kind, in one line, when their second is over. A
/// flood from one address cannot crowd out the others' lines, and a flood from many addresses
/// cannot flood the log. The server and the router share one (serve wires it); tests may give
/// each its own. Not thread-safe: the server and the router use it from their one io thread.
class client_log_budget {
  public:
    static constexpr std::size_t default_per_second = 50;
    static constexpr std::size_t default_per_client = 10;

    /// `what` names the lines in the summary when a call names no kind of its own, e.g.
    /// "client errors".
    explicit client_log_budget(std::string what, std::size_t per_second = default_per_second,
                               std::size_t per_client = default_per_client);

    /// True: log this line in full. False: it is counted under `code` for its second's summary
    /// of the lines of kind `what` (empty: the budget's own).
    bool admit(std::chrono::steady_clock::time_point now, std::string_view client,
               std::string_view code, std::string_view what = {});

    /// Whether a line from `client` at `now` would be admitted: when not, there is no point in
    /// computing its diagnosis.
    bool would_admit(std::chrono::steady_clock::time_point now, std::string_view client) const;

    /// "1234 more client errors (404 1200, 400 34), most from 192.0.2.1 (1100)" for the lines
    /// of kind `what` (empty: the budget's own) held back in seconds that ended by `now`, once;
    /// nothing when there were none.
    std::optional<std::string> take_summary(std::chrono::steady_clock::time_point now,
                                            std::string_view what = {});

    /// Lines logged in full per second, from all clients together.
    std::size_t per_second() const { return per_second_; }
    /// Lines logged in full per second from one client address.
    std::size_t per_client() const { return per_client_; }

    /// Whether lines of kind `what` (empty: the budget's own) are held back and not yet summed
    /// up.
    bool holding(std::string_view what = {}) const;

    /// Names the lines of kind `what` in the summary line (e.g. "github webhook"), and has their
    /// summary handed to `on_summary` when take_summaries() takes it.
    void describe(const std::string& what, std::string source,
                  std::function<void(const std::string& summary)> on_summary = {});
    /// One text for every kind of line held back in seconds that ended by `now` ("github
    /// webhook flood: 30 more refused deliveries (…); http flood: …"), each kind's summary
    /// handed to its on_summary; nothing when there were none. The budget's one summary line.
    std::optional<std::string> take_summaries(std::chrono::steady_clock::time_point now);
    /// Whether lines of any kind are held back and not yet summed up.
    bool holding_any() const;
    /// Marks the summing-up as running; false when it already was (sum_up_client_lines).
    bool start_summing_up() {
        const bool was = summing_up_;
        summing_up_ = true;
        return !was;
    }
    void stop_summing_up() { summing_up_ = false; }

  private:
    // Addresses followed one by one in a second; beyond that, new addresses share the global cap.
    static constexpr std::size_t max_tracked_clients = 4096;

    // The lines of one kind held back in the current second, and the summaries not yet taken.
    struct held_lines {
        std::size_t count = 0;
        std::map<std::string, std::size_t, std::less<>> by_code;
        std::unordered_map<std::string, std::size_t> by_client;
        std::string top_client;
        std::size_t top_client_held = 0;
        std::optional<std::string> pending_summary;
    };

    std::string what_;
    std::size_t per_second_;
    std::size_t per_client_;
    std::chrono::steady_clock::time_point window_start_{};
    std::size_t admitted_ = 0;
    std::unordered_map<std::string, std::size_t> admitted_by_client_;
    std::map<std::string, held_lines, std::less<>> held_;  // by kind
    struct kind_description {
        std::string source;
        std::function<void(const std::string&)> on_summary;
    };
    std::map<std::string, kind_description, std::less<>> kinds_;
    bool summing_up_ = false;

    void roll(std::chrono::steady_clock::time_point now);
    std::string_view kind(std::string_view what) const { return what.empty() ? what_ : what; }
    bool in_window(std::chrono::steady_clock::time_point now) const {
        return now - window_start_ < std::chrono::seconds(1);
    }
};

/// escape_untrusted (common/escape.hpp) under the name the server's call sites use.
std::string loggable(std::string_view text, std::size_t max_bytes = 200);

}  // namespace agent
