#pragma once

#include <cstddef>

namespace agent {

/// The request bodies held in memory at once, all connections together
/// (MAX_INFLIGHT_BODY_BYTES): a request whose body would go beyond it is answered 503 before
/// its bytes are read. Not thread-safe: the server uses it from its one io thread.
class body_budget {
  public:
    explicit body_budget(std::size_t capacity) : capacity_(capacity) {}

    /// Takes `bytes` from the budget; false (nothing taken) when they do not fit.
    bool take(std::size_t bytes) {
        if (bytes > capacity_ - used_) {
            return false;
        }
        used_ += bytes;
        return true;
    }
    /// Gives back bytes taken before.
    void give_back(std::size_t bytes) { used_ -= bytes < used_ ? bytes : used_; }
    std::size_t used() const { return used_; }
    std::size_t capacity() const { return capacity_; }

  private:
    std::size_t capacity_;
    std::size_t used_ = 0;
};

/// The part of a body_budget one request holds; gives it back when destroyed.
class body_reservation {
  public:
    explicit body_reservation(body_budget& budget) : budget_(&budget) {}
    ~body_reservation() { budget_->give_back(held_); }
    body_reservation(const body_reservation&) = delete;
    body_reservation& operator=(const body_reservation&) = delete;

    /// Holds at least `bytes` in all; false when the budget cannot give the difference.
    bool hold_at_least(std::size_t bytes) {
        if (bytes <= held_) {
            return true;
        }
        if (!budget_->take(bytes - held_)) {
            return false;
        }
        held_ = bytes;
        return true;
    }
    std::size_t held() const { return held_; }

  private:
    body_budget* budget_;
    std::size_t held_ = 0;
};

}  // namespace agent
