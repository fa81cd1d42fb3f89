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
    if (held_ > 0) {
        std::string by_code;
        for (const auto& [code, count] : held_by_code_) {
            by_code += fmt::format("{}{} {}", by_code.empty() ? "" : ", ", code, count);
        }
        std::string summary = fmt::format("{} more {} ({})", held_, what_, by_code);
        if (!top_client_.empty()) {
            summary += fmt::format(", most from {} ({})", top_client_, top_client_held_);
        }
        pending_summary_ = pending_summary_ ? *pending_summary_ + "; " + summary : summary;
    }
    window_start_ = now;
    admitted_ = 0;
    held_ = 0;
    held_by_code_.clear();
    clients_.clear();
    top_client_.clear();
    top_client_held_ = 0;
}

bool client_log_budget::would_admit(std::chrono::steady_clock::time_point now,
                                    std::string_view client) const {
    if (!in_window(now)) {
        return per_second_ > 0 && per_client_ > 0;
    }
    if (admitted_ >= per_second_) {
        return false;
    }
    auto it = clients_.find(std::string(client));
    return it == clients_.end() ? per_client_ > 0 : it->second.admitted < per_client_;
}

bool client_log_budget::admit(std::chrono::steady_clock::time_point now, std::string_view client,
                              std::string_view code) {
    roll(now);
    client_count* count = nullptr;
    if (auto it = clients_.find(std::string(client)); it != clients_.end()) {
        count = &it->second;
    } else if (clients_.size() < max_tracked_clients) {
        count = &clients_[std::string(client)];
    }
    const bool client_has_room = count == nullptr || count->admitted < per_client_;
    if (admitted_ < per_second_ && client_has_room) {
        ++admitted_;
        if (count != nullptr) {
            ++count->admitted;
        }
        return true;
    }
    ++held_;
    if (auto it = held_by_code_.find(code); it != held_by_code_.end()) {
        ++it->second;
    } else {
        held_by_code_.emplace(std::string(code), 1);
    }
    if (count != nullptr && ++count->held > top_client_held_) {
        top_client_held_ = count->held;
        if (top_client_ != client) {
            top_client_ = std::string(client);
        }
    }
    return false;
}

std::optional<std::string> client_log_budget::take_summary(
    std::chrono::steady_clock::time_point now) {
    roll(now);
    auto summary = std::move(pending_summary_);
    pending_summary_.reset();
    return summary;
}

std::string loggable(std::string_view text, std::size_t max_bytes) {
    return escape_untrusted(text, max_bytes);
}

}  // namespace agent
