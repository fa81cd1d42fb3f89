#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace agent::status {

/// A logged-in browser: who logged in and the CSRF token its forms must carry.
struct session {
    std::string subject;  ///< the bearer token's `sub`
    std::string csrf;     ///< 64 hex characters, random
    std::chrono::system_clock::time_point expires;
    std::chrono::system_clock::time_point created;
};

/// The status page's sessions, server-side: the cookie holds only a random id (32 bytes from
/// the kernel's CSPRNG). Bounded: beyond `max_sessions` the oldest is dropped. Sessions are
/// looked up by the SHA-256 of their id, so lookup timing says nothing about an id.
/// Not thread-safe: use on the io_context's thread.
class session_store {
public:
    explicit session_store(std::size_t max_sessions = 64,
                           std::chrono::seconds ttl = std::chrono::hours(12))
        : max_(max_sessions == 0 ? 1 : max_sessions), ttl_(ttl) {}

    /// A new session for `subject`, ending at now + ttl or at `token_expires` when earlier
    /// (a session never outlives the token that opened it). Returns the cookie value.
    std::string create(std::string subject, std::chrono::system_clock::time_point now,
                       std::optional<std::chrono::system_clock::time_point> token_expires);
    /// The live session with this cookie value, or nullptr (unknown or expired; expired ones
    /// are removed).
    const session* find(std::string_view id, std::chrono::system_clock::time_point now);
    /// Ends the session with this cookie value, if any.
    void remove(std::string_view id);
    std::size_t size() const { return sessions_.size(); }
    std::chrono::seconds ttl() const { return ttl_; }

private:
    std::size_t max_;
    std::chrono::seconds ttl_;
    std::map<std::string, session, std::less<>> sessions_;  ///< by sha256_hex(id)
};

/// `bytes` random bytes from getrandom(2) as lower-case hex. Throws std::runtime_error when
/// the kernel cannot supply them.
std::string random_hex(std::size_t bytes);

/// The value of cookie `name` in the request's Cookie header value, or empty.
std::string cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace agent::status
