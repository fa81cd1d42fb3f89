#include "status/sessions.hpp"

#include <sys/random.h>

#include <stdexcept>
#include <vector>

#include "common/hex.hpp"
#include "intake/signature.hpp"

namespace agent::status {

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> buffer(bytes);
    std::size_t filled = 0;
    while (filled < bytes) {
        ssize_t n = getrandom(buffer.data() + filled, bytes - filled, 0);
        if (n <= 0) {
            throw std::runtime_error("getrandom failed");
        }
        filled += static_cast<std::size_t>(n);
    }
    return to_hex(std::string_view(reinterpret_cast<const char*>(buffer.data()), bytes));
}

std::string session_store::create(std::string subject, std::chrono::system_clock::time_point now,
                                  std::optional<std::chrono::system_clock::time_point> token_expires) {
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
    }
    while (sessions_.size() >= max_) {
        auto oldest = sessions_.begin();
        for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
            if (it->second.created < oldest->second.created) {
                oldest = it;
            }
        }
        sessions_.erase(oldest);
    }
    auto expires = now + ttl_;
    if (token_expires && *token_expires < expires) {
        expires = *token_expires;
    }
    std::string id = random_hex(32);
    sessions_[sha256_hex(id)] = session{std::move(subject), random_hex(32), expires, now};
    return id;
}

const session* session_store::find(std::string_view id, std::chrono::system_clock::time_point now) {
    if (id.size() != 64) {
        return nullptr;
    }
    auto it = sessions_.find(sha256_hex(id));
    if (it == sessions_.end()) {
        return nullptr;
    }
    if (it->second.expires <= now) {
        sessions_.erase(it);
        return nullptr;
    }
    return &it->second;
}

void session_store::remove(std::string_view id) {
    if (auto it = sessions_.find(sha256_hex(id)); it != sessions_.end()) {
        sessions_.erase(it);
    }
}

std::string cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        auto semi = header.find(';');
        std::string_view pair = header.substr(0, semi);
        while (!pair.empty() && pair.front() == ' ') {
            pair.remove_prefix(1);
        }
        auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return std::string(pair.substr(eq + 1));
        }
        if (semi == std::string_view::npos) {
            break;
        }
        header.remove_prefix(semi + 1);
    }
    return {};
}

}  // namespace agent::status
