#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace agent {

/// One log budget for everything a client can cause (404, 400, 405, 413, 431, 503, refused
/// deliveries, refused connections): in each second at most `per_client` lines per client
/// address and `per_second` lines in all are logged in full; the rest are counted by code and
/// summed up once, in one line, when their second is over. A flood from one address cannot
/// crowd out the others' lines, and a flood from many addresses cannot flood the log.
/// Not thread-safe: the server and the router use it from their one io thread.
class client_log_budget {
  public:
    static constexpr std::size_t default_per_second = 50;
    static constexpr std::size_t default_per_client = 10;

    /// `what` names the lines in the summary, e.g. "client errors" or "refused deliveries".
    explicit client_log_budget(std::string what, std::size_t per_second = default_per_second,
                               std::size_t per_client = default_per_client);

    /// True: log this line in full. False: it is counted under `code` for its second's summary.
    bool admit(std::chrono::steady_clock::time_point now, std::string_view client,
               std::string_view code);

    /// Whether a line from `client` at `now` would be admitted: when not, there is no point in
    /// computing its diagnosis.
    bool would_admit(std::chrono::steady_clock::time_point now, std::string_view client) const;

    /// "1234 more client errors (404 1200, 400 34), most from 192.0.2.1 (1100)" for the lines
    /// held back in seconds that ended by `now`, once; nothing when there were none.
    std::optional<std::string> take_summary(std::chrono::steady_clock::time_point now);

    /// Whether lines are held back and not yet summed up.
    bool holding() const { return held_ > 0 || pending_summary_.has_value(); }

  private:
    // Addresses followed one by one in a second; beyond that, new addresses share the global cap.
    static constexpr std::size_t max_tracked_clients = 4096;

    struct client_count {
        std::size_t admitted = 0;
        std::size_t held = 0;
    };

    std::string what_;
    std::size_t per_second_;
    std::size_t per_client_;
    std::chrono::steady_clock::time_point window_start_{};
    std::size_t admitted_ = 0;
    std::size_t held_ = 0;
    std::map<std::string, std::size_t, std::less<>> held_by_code_;
    std::unordered_map<std::string, client_count> clients_;
    std::string top_client_;
    std::size_t top_client_held_ = 0;
    std::optional<std::string> pending_summary_;

    void roll(std::chrono::steady_clock::time_point now);
    bool in_window(std::chrono::steady_clock::time_point now) const {
        return now - window_start_ < std::chrono::seconds(1);
    }
};

/// escape_untrusted (common/escape.hpp) under the name the server's call sites use.
std::string loggable(std::string_view text, std::size_t max_bytes = 200);

}  // namespace agent
