#include "accept/accepted_deliveries.hpp"

namespace agent {

bool accepted_deliveries::contains(std::string_view id, std::int64_t now_ms) const {
    const auto it = at_.find(id);
    return it != at_.end() && !expired(it->second, now_ms);
}

void accepted_deliveries::add(std::string_view id, std::int64_t at_ms, std::int64_t now_ms) {
    if (id.empty() || settings_.max_ids == 0) {
        return;
    }
    if (auto it = at_.find(id); it != at_.end()) {
        // Accepted again (its first acceptance had expired): newer, but it keeps its place.
        it->second = at_ms;
        return;
    }
    // Ids arrive about in time order: the expired ones are at the front.
    while (!order_.empty()) {
        const auto oldest = at_.find(*order_.front());
        if (at_.size() < settings_.max_ids && !expired(oldest->second, now_ms)) {
            break;
        }
        order_.pop_front();
        at_.erase(oldest);
    }
    const auto [it, inserted] = at_.emplace(std::string(id), at_ms);
    order_.push_back(&it->first);
}

accepted_deliveries load_accepted_deliveries(delivery_log& history,
                                             accepted_deliveries_settings settings,
                                             std::int64_t now_ms) {
    accepted_deliveries accepted(settings);
    if (settings.max_ids == 0) {
        return accepted;
    }
    const std::int64_t since =
        settings.retention.count() > 0 ? now_ms - settings.retention.count() : 0;
    for (const auto& delivery : history.accepted_since(since, settings.max_ids)) {
        accepted.add(delivery.id, delivery.received_at_ms, now_ms);
    }
    return accepted;
}

}  // namespace agent
