#include "http/refusal_gate.hpp"

#include <fmt/format.h>

namespace agent {

void refusal_gate::roll(std::chrono::steady_clock::time_point now) {
    if (now - window_start_ < std::chrono::seconds(1)) {
        return;
    }
    if (held_ > 0) {
        std::string by_code;
        for (const auto& [code, count] : held_by_code_) {
            by_code += fmt::format("{}{} {}", by_code.empty() ? "" : ", ", code, count);
        }
        std::string summary = fmt::format("{} more refused deliveries ({})", held_, by_code);
        pending_summary_ = pending_summary_ ? *pending_summary_ + "; " + summary : summary;
    }
    window_start_ = now;
    admitted_ = 0;
    held_ = 0;
    held_by_code_.clear();
}

bool refusal_gate::admit(std::chrono::steady_clock::time_point now, std::string_view code) {
    roll(now);
    if (admitted_ < per_second_) {
        ++admitted_;
        return true;
    }
    ++held_;
    auto it = held_by_code_.find(code);
    if (it == held_by_code_.end()) {
        held_by_code_.emplace(std::string(code), 1);
    } else {
        ++it->second;
    }
    return false;
}

std::optional<std::string> refusal_gate::take_summary(std::chrono::steady_clock::time_point now) {
    roll(now);
    auto summary = std::move(pending_summary_);
    pending_summary_.reset();
    return summary;
}

}  // namespace agent
