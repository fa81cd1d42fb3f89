#include "http/body_budget.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace agent {

std::size_t body_budget::held_by(const std::string& client) const {
    std::size_t total = 0;
    for (const body_reservation* r : holders_) {
        if (r->client_ == client) {
            total += r->held_;
        }
    }
    return total;
}

bool body_budget::grant(body_reservation& r, std::size_t more, clock_type::time_point now) {
    if (more > capacity_ - used_) {
        // Taken only when enough can be had: a body no share can hold takes nothing from anyone.
        const std::vector<body_reservation*> victims = victims_for(r, more, now);
        if (victims.empty()) {
            return false;
        }
        for (body_reservation* victim : victims) {
            victim->take_away();
        }
    }
    used_ += more;
    r.held_ += more;
    return true;
}

// Repeatedly: the address holding the most, if it holds more than the asking address would
// once given `more`; of its bodies still being read, the one arriving slowest. Empty when
// taking all those would still not make room.
std::vector<body_reservation*> body_budget::victims_for(const body_reservation& asking,
                                                        std::size_t more,
                                                        clock_type::time_point now) const {
    std::unordered_map<std::string_view, std::size_t> by_client;
    for (const body_reservation* r : holders_) {
        by_client[r->client_] += r->held_;
    }
    const std::size_t asking_after = by_client[asking.client_] + more;
    std::vector<body_reservation*> victims;
    std::size_t free = capacity_ - used_;
    while (more > free) {
        body_reservation* victim = nullptr;
        std::size_t victim_total = 0;
        double victim_rate = 0;
        for (body_reservation* r : holders_) {
            if (r == &asking || !r->reading_ || r->held_ == 0 ||
                std::find(victims.begin(), victims.end(), r) != victims.end()) {
                continue;
            }
            const std::size_t total = by_client[r->client_];
            if (total <= asking_after) {
                continue;
            }
            const auto elapsed = std::chrono::duration<double>(now - r->reading_since_).count();
            const double rate =
                static_cast<double>(r->held_) / (elapsed > 0.001 ? elapsed : 0.001);
            if (victim == nullptr || total > victim_total ||
                (total == victim_total && rate < victim_rate)) {
                victim = r;
                victim_total = total;
                victim_rate = rate;
            }
        }
        if (victim == nullptr) {
            return {};
        }
        victims.push_back(victim);
        by_client[victim->client_] -= victim->held_;
        free += victim->held_;
    }
    return victims;
}

body_reservation::body_reservation(body_budget& budget, std::string client,
                                   std::function<void()> on_taken)
    : budget_(&budget), client_(std::move(client)), on_taken_(std::move(on_taken)) {
    place_ = budget_->holders_.insert(budget_->holders_.end(), this);
}

body_reservation::~body_reservation() {
    budget_->used_ -= held_;
    budget_->holders_.erase(place_);
}

bool body_reservation::hold_at_least(std::size_t bytes, body_budget::clock_type::time_point now) {
    if (taken_) {
        return false;
    }
    if (bytes <= held_) {
        return true;
    }
    return budget_->grant(*this, bytes - held_, now);
}

void body_reservation::start_reading(body_budget::clock_type::time_point now) {
    reading_ = true;
    reading_since_ = now;
}

void body_reservation::take_away() {
    budget_->used_ -= held_;
    held_ = 0;
    taken_ = true;
    reading_ = false;
    if (on_taken_) {
        on_taken_();
    }
}

}  // namespace agent
