#pragma once

#include <cstddef>
#include <functional>
#include <list>

namespace agent {

/// The open connections in the order they were accepted, each marked busy while a request is in
/// progress (from its first byte to its answer). At MAX_CONNECTIONS the server evicts the oldest
/// connection that is not busy (silent, or idle between keep-alive requests) to make room for a
/// new one, so that idle connections cannot lock out a client that connects and asks at once.
/// Not thread-safe: the server uses it from its one io thread.
class connection_registry {
  public:
    struct entry {
        std::function<void()> evict;  ///< closes the connection (set once its session runs)
        bool busy = false;
        bool evicted = false;
    };
    using handle = std::list<entry>::iterator;

    /// Registers a new connection, newest last; its session sets `evict` when it starts (an
    /// entry evicted before that is only marked: the session sees it and ends).
    handle add() {
        entries_.push_back(entry{});
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

    /// Evicts the oldest connection that is not busy; false when every connection is busy.
    bool evict_oldest_idle() {
        for (auto& e : entries_) {
            if (!e.busy && !e.evicted) {
                e.evicted = true;
                --open_;
                if (e.evict) {
                    e.evict();
                }
                return true;
            }
        }
        return false;
    }

  private:
    std::list<entry> entries_;
    std::size_t open_ = 0;
};

}  // namespace agent
