#include "http/client_log_budget.hpp"

#include <fmt/format.h>

#include "common/escape.hpp"

namespace agent {

client_log_budget::client_log_budget(std::string what, std::size_t per_second,
                                     std::size_t per_client)
    : what_(std::move(what)), per_second_(per_second), per_client_(per_client) {}

void client_log_budget::roll(std::chrono::steady_clock::time_point now) {
    if (in_window(now)) {
        return;
    }
    for (auto& [what, held] : held_) {
        if (held.count > 0) {
            std::string by_code;
            for (const auto& [code, count] : held.by_code) {
                by_code += fmt::format("{}{} {}", by_code.empty() ? "" : ", ", code, count);
            }
            std::string summary = fmt::format("{} more {} ({})", held.count, what, by_code);
            if (!held.top_client.empty()) {
                summary += fmt::format(", most from {} ({})", held.top_client, held.top_client_held);
            }
            held.pending_summary =
                held.pending_summary ? *held.pending_summary + "; " + summary : summary;
        }
        held.count = 0;
        held.by_code.clear();
        held.by_client.clear();
        held.top_client.clear();
        held.top_client_held = 0;
    }
    window_start_ = now;
    admitted_ = 0;
    admitted_by_client_.clear();
}

bool client_log_budget::would_admit(std::chrono::steady_clock::time_point now,
                                    std::string_view client) const {
    if (!in_window(now)) {
        return per_second_ > 0 && per_client_ > 0;
    }
    if (admitted_ >= per_second_) {
        return false;
    }
    auto it = admitted_by_client_.find(std::string(client));
    return it == admitted_by_client_.end() ? per_client_ > 0 : it->second < per_client_;
}

bool client_log_budget::admit(std::chrono::steady_clock::time_point now, std::string_view client,
                              std::string_view code, std::string_view what) {
    roll(now);
    const std::string key(client);
    std::size_t* admitted = nullptr;
    if (auto it = admitted_by_client_.find(key); it != admitted_by_client_.end()) {
        admitted = &it->second;
    } else if (admitted_by_client_.size() < max_tracked_clients) {
        admitted = &admitted_by_client_[key];
    }
    const bool client_has_room = admitted == nullptr || *admitted < per_client_;
    if (admitted_ < per_second_ && client_has_room) {
        ++admitted_;
        if (admitted != nullptr) {
            ++*admitted;
        }
        return true;
    }
    auto kind_it = held_.find(kind(what));
    if (kind_it == held_.end()) {
        kind_it = held_.emplace(std::string(kind(what)), held_lines{}).first;
    }
    held_lines& held = kind_it->second;
    ++held.count;
    if (auto it = held.by_code.find(code); it != held.by_code.end()) {
        ++it->second;
    } else {
        held.by_code.emplace(std::string(code), 1);
    }
    // Addresses beyond max_tracked_clients are not followed for "most from".
    if (admitted != nullptr) {
        std::size_t& from_client = held.by_client[key];
        if (++from_client > held.top_client_held) {
            held.top_client_held = from_client;
            if (held.top_client != client) {
                held.top_client = key;
            }
        }
    }
    return false;
}

std::optional<std::string> client_log_budget::take_summary(
    std::chrono::steady_clock::time_point now, std::string_view what) {
    roll(now);
    auto it = held_.find(kind(what));
    if (it == held_.end()) {
        return std::nullopt;
    }
    auto summary = std::move(it->second.pending_summary);
    it->second.pending_summary.reset();
    return summary;
}

void client_log_budget::describe(const std::string& what, std::string source,
                                 std::function<void(const std::string& summary)> on_summary) {
    kinds_[what] = kind_description{std::move(source), std::move(on_summary)};
}

std::optional<std::string> client_log_budget::take_summaries(
    std::chrono::steady_clock::time_point now) {
    roll(now);
    std::optional<std::string> all;
    for (auto& [what, held] : held_) {
        if (!held.pending_summary) {
            continue;
        }
        const std::string summary = std::move(*held.pending_summary);
        held.pending_summary.reset();
        const auto described = kinds_.find(what);
        const std::string source =
            described == kinds_.end() ? std::string("http") : described->second.source;
        const std::string part = source + " flood: " + summary;
        all = all ? *all + "; " + part : part;
        if (described != kinds_.end() && described->second.on_summary) {
            described->second.on_summary(summary);
        }
    }
    return all;
}

bool client_log_budget::holding_any() const {
    for (const auto& [what, held] : held_) {
        if (held.count > 0 || held.pending_summary.has_value()) {
            return true;
        }
    }
    return false;
}

bool client_log_budget::holding(std::string_view what) const {
    auto it = held_.find(kind(what));
    return it != held_.end() && (it->second.count > 0 || it->second.pending_summary.has_value());
}

std::string loggable(std::string_view text, std::size_t max_bytes) {
    return escape_untrusted(text, max_bytes);
}

}  // namespace agent
