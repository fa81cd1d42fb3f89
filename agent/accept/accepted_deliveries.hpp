#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/delivery_log.hpp"

namespace agent {

/// How long and how many accepted delivery ids are remembered: the store's retention of
/// deliveries (store_options::retention, max_deliveries), so that the answer is the one the
/// history would give.
struct accepted_deliveries_settings {
    /// Ids older than this are forgotten; 0 keeps them (within max_ids).
    std::chrono::milliseconds retention = std::chrono::hours(24 * 90);
    /// At most this many ids; the oldest go first. 0: none are remembered.
    std::size_t max_ids = 100000;
};

/// The ids of the deliveries accepted (recorded durably, verdict "accepted") within the
/// retention: the redelivery check of every push, answered without a read of the store.
/// Loaded from the store at start; each accept adds its id once it is on disk. Not
/// thread-safe: the accept stage uses it from its one io thread.
class accepted_deliveries {
  public:
    explicit accepted_deliveries(accepted_deliveries_settings settings = {})
        : settings_(settings) {}

    /// Whether a delivery with `id` was accepted at most the retention before `now_ms`.
    bool contains(std::string_view id, std::int64_t now_ms) const;
    /// Remembers `id` accepted at `at_ms` (Unix ms); drops ids past the retention and, when
    /// full, the oldest. An empty id is ignored.
    void add(std::string_view id, std::int64_t at_ms, std::int64_t now_ms);
    std::size_t size() const { return at_.size(); }

  private:
    struct id_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view id) const noexcept {
            return std::hash<std::string_view>{}(id);
        }
    };

    bool expired(std::int64_t at_ms, std::int64_t now_ms) const {
        return settings_.retention.count() > 0 && at_ms < now_ms - settings_.retention.count();
    }

    accepted_deliveries_settings settings_;
    std::unordered_map<std::string, std::int64_t, id_hash, std::equal_to<>> at_;  // id → at_ms
    // The ids in the order they were added (node keys: stable while in the map).
    std::deque<const std::string*> order_;
};

/// The accepted deliveries that `history` holds within `settings` as of `now_ms` (Unix ms).
/// Throws store_error.
accepted_deliveries load_accepted_deliveries(delivery_log& history,
                                             accepted_deliveries_settings settings,
                                             std::int64_t now_ms);

}  // namespace agent
