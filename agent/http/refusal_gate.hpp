#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace agent {

/// Keeps a flood of refused deliveries (a sender looping with a wrong secret, or anyone
/// hammering the public endpoint) from flooding the log and the history: in each second the
/// first `per_second` refusals are logged and recorded one by one, with their diagnosis; the
/// rest are counted (metrics still count every one) and summed up once, by reason.
/// Not thread-safe: the router uses it from its one io thread.
class refusal_gate {
public:
    static constexpr std::size_t default_per_second = 50;

    explicit refusal_gate(std::size_t per_second = default_per_second) : per_second_(per_second) {}

    /// True: log and record this refusal in full. False: it is counted under `code` for the
    /// summary of its second.
    bool admit(std::chrono::steady_clock::time_point now, std::string_view code);

    /// Whether a refusal at `now` would be admitted: when not, there is no point in computing
    /// its explanation.
    bool would_admit(std::chrono::steady_clock::time_point now) const {
        return now - window_start_ >= std::chrono::seconds(1) || admitted_ < per_second_;
    }

    /// "1234 more refused deliveries (bad_signature 1200, missing_signature 34)" for the refusals
    /// held back in seconds that ended by `now`, once; nothing when there were none.
    std::optional<std::string> take_summary(std::chrono::steady_clock::time_point now);

    /// Whether refusals are held back and not yet summed up.
    bool holding() const { return held_ > 0; }

private:
    std::size_t per_second_;
    std::chrono::steady_clock::time_point window_start_{};
    std::size_t admitted_ = 0;
    std::size_t held_ = 0;
    std::map<std::string, std::size_t, std::less<>> held_by_code_;
    std::optional<std::string> pending_summary_;
    void roll(std::chrono::steady_clock::time_point now);
};

}  // namespace agent
