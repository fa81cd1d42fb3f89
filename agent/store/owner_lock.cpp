#include "store/owner_lock.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/log.hpp"

namespace agent {

std::optional<owner_lock> owner_lock::try_acquire(const std::string& data_dir,
                                                  const std::string& role, std::string& holder) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    std::string path = data_dir + "/owner.lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno) +
                                 " (is DATA_DIR writable?)");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char text[128] = {};
        auto n = ::pread(fd, text, sizeof(text) - 1, 0);
        holder = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : "another process";
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) {
            holder.pop_back();
        }
        ::close(fd);
        return std::nullopt;
    }
    std::string who = role + " (pid " + std::to_string(::getpid()) + ")\n";
    if (::ftruncate(fd, 0) == 0) {
        // Only a hint for the refusal message: a failed write changes nothing about the lock.
        [[maybe_unused]] auto written = ::pwrite(fd, who.data(), who.size(), 0);
    }
    return owner_lock(fd);
}

owner_lock::~owner_lock() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

std::string owner_lock_refusal(const std::string& data_dir, const std::string& holder) {
    return "DATA_DIR " + data_dir + " is in use by deploy-agent " + holder +
           ": one process deploys its apps at a time. Deploy through the running agent "
           "(POST /api/apps/<app>/deploy), or stop it first, or use another --data-dir";
}

}  // namespace agent

namespace agent {

std::optional<owner_lock> acquire_or_explain(const std::string& data_dir, const std::string& role) {
    std::string holder;
    try {
        auto lock = owner_lock::try_acquire(data_dir, role, holder);
        if (!lock) {
            spdlog::critical("{}", owner_lock_refusal(data_dir, holder));
        }
        return lock;
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return std::nullopt;
    }
}

}  // namespace agent
