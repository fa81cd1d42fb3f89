#include "intake/replay_memory.hpp"

#include <algorithm>
#include <limits>

namespace agent {

namespace {

bool expired(std::int64_t expires_at_ms, std::int64_t now_ms) {
    return expires_at_ms != 0 && expires_at_ms <= now_ms;
}

}  // namespace

bool replay_memory::seen(std::string_view key, std::int64_t now_ms) const {
    const auto it = keys_.find(key);
    return it != keys_.end() && !expired(it->second, now_ms);
}

void replay_memory::remember(std::string key, std::int64_t expires_at_ms, std::int64_t now_ms) {
    if (capacity_ == 0) {
        return;
    }
    if (!keys_.contains(key)) {
        make_room(now_ms);
    }
    keys_.insert_or_assign(std::move(key), expires_at_ms);
}

void replay_memory::forget(std::string_view key) {
    if (const auto it = keys_.find(key); it != keys_.end()) {
        keys_.erase(it);
    }
}

void replay_memory::make_room(std::int64_t now_ms) {
    if (keys_.size() < capacity_) {
        return;
    }
    std::erase_if(keys_, [&](const auto& entry) { return expired(entry.second, now_ms); });
    // Still full: the key that expires soonest goes (one that never expires counts as latest).
    while (keys_.size() >= capacity_) {
        const auto soonest = std::min_element(keys_.begin(), keys_.end(), [](const auto& a,
                                                                               const auto& b) {
            const auto at = [](std::int64_t t) {
                return t == 0 ? std::numeric_limits<std::int64_t>::max() : t;
            };
            return at(a.second) < at(b.second);
        });
        keys_.erase(soonest);
    }
}

}  // namespace agent
