#pragma once

#include <optional>
#include <string>
#include <utility>

namespace agent {

/// One owner per DATA_DIR: an exclusive flock on DATA_DIR/owner.lock held for the life of the
/// object, so that `deploy-agent deploy` and a running `serve` (or two of either) never deploy
/// the same apps at once. The kernel drops the lock when the process dies, kill -9 included.
class owner_lock {
public:
    /// Takes the lock for `role` ("serve", "deploy"); returns nullopt and sets `holder` to who
    /// holds it ("serve (pid 123)") when another process does. Throws std::runtime_error when
    /// the file cannot be created.
    static std::optional<owner_lock> try_acquire(const std::string& data_dir,
                                                 const std::string& role, std::string& holder);
    ~owner_lock();
    owner_lock(owner_lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    owner_lock& operator=(owner_lock&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    owner_lock(const owner_lock&) = delete;
    owner_lock& operator=(const owner_lock&) = delete;

private:
    explicit owner_lock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

/// try_acquire(), logging the refusal (or the error) as critical when the lock is not taken.
std::optional<owner_lock> acquire_or_explain(const std::string& data_dir, const std::string& role);

/// The message for a refused second owner, naming the holder and what to do instead.
std::string owner_lock_refusal(const std::string& data_dir, const std::string& holder);

}  // namespace agent
