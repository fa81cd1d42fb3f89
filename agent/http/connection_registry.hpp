#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <string>

namespace agent {

/// The open connections in the order they were accepted, each marked busy while a request is in
/// progress (from its first byte to its answer) and writing while an answer is being written.
/// At MAX_CONNECTIONS (or at MAX_CONNECTIONS_PER_CLIENT of one address) the server evicts the
/// oldest connection that is not busy (silent, or idle between keep-alive requests), or, failing
/// that, the oldest whose answer has made no progress for a while (a client that does not read),
/// so that neither idle nor non-reading connections can lock out a client that connects and asks
/// at once. Not thread-safe: the server uses it from its one io thread.
class connection_registry {
  public:
    using clock_type = std::chrono::steady_clock;

    struct entry {
        std::string peer;             ///< the TCP peer's address
        std::function<void()> evict;  ///< closes the connection (set once its session runs)
        bool busy = false;
        bool evicted = false;
        bool writing = false;                ///< an answer is being written
        clock_type::time_point progress{};  ///< when its write last made progress
    };
    using handle = std::list<entry>::iterator;

    /// Registers a new connection from `peer`, newest last; its session sets `evict` when it
    /// starts (an entry evicted before that is only marked: the session sees it and ends).
    handle add(std::string peer = {}) {
        entries_.push_back(entry{});
        entries_.back().peer = std::move(peer);
        ++open_;
        return std::prev(entries_.end());
    }
    void remove(handle h) {
        if (!h->evicted) {
            --open_;
        }
        entries_.erase(h);
    }
    /// Connections open and not evicted.
    std::size_t open() const { return open_; }
    /// Connections open and not evicted from `peer`.
    std::size_t open_from(const std::string& peer) const {
        std::size_t n = 0;
        for (const auto& e : entries_) {
            n += !e.evicted && e.peer == peer ? 1 : 0;
        }
        return n;
    }

    /// Evicts the oldest connection that is not busy, else the oldest whose write has made no
    /// progress for `stalled` by `now`; false when there is none. With `peer`, only its own.
    bool evict_oldest_idle(clock_type::time_point now = clock_type::now(),
                           clock_type::duration stalled = std::chrono::seconds(1),
                           const std::string* peer = nullptr) {
        for (const bool idle_pass : {true, false}) {
            for (auto& e : entries_) {
                if (e.evicted || (peer != nullptr && e.peer != *peer)) {
                    continue;
                }
                const bool evictable =
                    idle_pass ? !e.busy : (e.writing && now - e.progress >= stalled);
                if (evictable) {
                    e.evicted = true;
                    --open_;
                    if (e.evict) {
                        e.evict();
                    }
                    return true;
                }
            }
        }
        return false;
    }

  private:
    std::list<entry> entries_;
    std::size_t open_ = 0;
};

}  // namespace agent
