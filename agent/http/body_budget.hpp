#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <string>
#include <vector>

namespace agent {

class body_reservation;

/// The request bodies held in memory at once, all connections together
/// (MAX_INFLIGHT_BODY_BYTES), counted as their bytes arrive: a declared Content-Length holds
/// nothing. When a body needs bytes the budget no longer has, bodies still being read are taken
/// from the client addresses that hold the most (their slowest first), as long as those hold
/// more than the asking address would: an address can always get its fair share, and clients
/// that declare large bodies and send them slowly lose them first. Not thread-safe: the server
/// uses it from its one io thread.
class body_budget {
  public:
    using clock_type = std::chrono::steady_clock;

    explicit body_budget(std::size_t capacity) : capacity_(capacity) {}
    body_budget(const body_budget&) = delete;
    body_budget& operator=(const body_budget&) = delete;

    std::size_t used() const { return used_; }
    std::size_t capacity() const { return capacity_; }
    /// Bytes held by the reservations of `client`.
    std::size_t held_by(const std::string& client) const;

  private:
    friend class body_reservation;

    // Gives `r` `more` bytes, taking them from other readers when it must; false (nothing
    // taken) when they cannot be had.
    bool grant(body_reservation& r, std::size_t more, clock_type::time_point now);
    // The reservations to take so that `asking` can have `more`; empty when there are none.
    std::vector<body_reservation*> victims_for(const body_reservation& asking, std::size_t more,
                                               clock_type::time_point now) const;

    std::size_t capacity_;
    std::size_t used_ = 0;
    std::list<body_reservation*> holders_;
};

/// The part of a body_budget one request holds, from one client address; gives it back when
/// destroyed. While its body is being read (start_reading() to stop_reading()) another request
/// may take it: `on_taken` is then called (it should cancel the read) and every later
/// hold_at_least() fails.
class body_reservation {
  public:
    body_reservation(body_budget& budget, std::string client, std::function<void()> on_taken = {});
    ~body_reservation();
    body_reservation(const body_reservation&) = delete;
    body_reservation& operator=(const body_reservation&) = delete;

    /// Holds at least `bytes` in all; false when they cannot be had, or the reservation was taken.
    bool hold_at_least(std::size_t bytes,
                       body_budget::clock_type::time_point now = body_budget::clock_type::now());
    /// The body is being read from now on: the reservation may be taken for another request.
    void start_reading(body_budget::clock_type::time_point now = body_budget::clock_type::now());
    /// The body is in (or reading ended): what is held stays until destruction.
    void stop_reading() { reading_ = false; }
    std::size_t held() const { return held_; }
    /// Another request took this reservation while its body was being read.
    bool taken() const { return taken_; }
    const std::string& client() const { return client_; }

  private:
    friend class body_budget;

    void take_away();

    body_budget* budget_;
    std::string client_;
    std::function<void()> on_taken_;
    std::list<body_reservation*>::iterator place_;
    body_budget::clock_type::time_point reading_since_{};
    std::size_t held_ = 0;
    bool reading_ = false;
    bool taken_ = false;
};

}  // namespace agent
