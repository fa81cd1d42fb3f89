#include "http/client_log_budget.hpp"

#include <fmt/format.h>

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

namespace {

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (s.size() < length || byte(1) < low || byte(1) > high) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) {
            return 0;
        }
    }
    return length;
}

void append_escaped(std::string& out, std::string_view bytes) {
    for (const char c : bytes) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    }
}

}  // namespace

std::string loggable(std::string_view text, std::size_t max_bytes) {
    std::string out;
    out.reserve(std::min(text.size(), max_bytes) + 16);
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80 ? 1 : utf8_sequence_length(text.substr(i));
        if (i + std::max<std::size_t>(length, 1) > max_bytes) {
            break;
        }
        if (length == 0) {
            append_escaped(out, text.substr(i, 1));
            length = 1;
        } else if (c < 0x20 || c == 0x7F || c == '\\' ||
                   (c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0)) {
            // Control characters, C1 ones (U+0080..U+009F) included: a terminal obeys them.
            append_escaped(out, text.substr(i, length));
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
    }
    if (i < text.size()) {
        out += fmt::format("…(+{} bytes)", text.size() - i);
    }
    return out;
}

}  // namespace agent
