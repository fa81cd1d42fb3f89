#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace agent {

/// The replay keys of deliveries accepted in this process, each until it expires: the first
/// check against replays, which also covers a delivery whose record is still on its way to the
/// store (the store, which survives a restart, is the second). Bounded: when full, expired keys
/// go first, then the ones expiring soonest. Not thread-safe: the router uses it from its one io
/// thread.
class replay_memory {
public:
    static constexpr std::size_t default_capacity = 4096;

    explicit replay_memory(std::size_t capacity = default_capacity) : capacity_(capacity) {}

    /// Whether `key` was remembered and has not expired by `now_ms`.
    bool seen(std::string_view key, std::int64_t now_ms) const;
    /// Remembers `key` until `expires_at_ms` (Unix ms; 0: until evicted).
    void remember(std::string key, std::int64_t expires_at_ms, std::int64_t now_ms);
    /// Forgets `key` (its delivery could not be recorded after all).
    void forget(std::string_view key);
    std::size_t size() const { return keys_.size(); }

private:
    void make_room(std::int64_t now_ms);

    std::size_t capacity_;
    std::map<std::string, std::int64_t, std::less<>> keys_;  // key → expires_at_ms (0: never)
};

}  // namespace agent
