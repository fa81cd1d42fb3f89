#include "manifest/manifest.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace agent {
namespace {

// A manifest is a few kilobytes; the bound stops a wrong path (a device, a log) from filling
// memory.
constexpr std::size_t max_manifest_bytes = 4 * 1024 * 1024;

std::string join_lines(const std::vector<std::string>& lines) {
    std::string joined;
    for (const auto& line : lines) {
        if (!joined.empty()) {
            joined += '\n';
        }
        joined += line;
    }
    return joined;
}

[[noreturn]] void throw_unreadable(const std::string& path, const std::string& reason) {
    throw manifest_error({path + ": cannot read: " + reason});
}

class file_descriptor {
  public:
    explicit file_descriptor(int fd) : fd_(fd) {}
    ~file_descriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

}  // namespace

const app_spec* manifest::find(std::string_view name) const {
    for (const auto& app : apps) {
        if (app.name == name) {
            return &app;
        }
    }
    return nullptr;
}

manifest_error::manifest_error(std::vector<std::string> problems)
    : std::runtime_error(join_lines(problems)), problems_(std::move(problems)) {}

std::string_view to_string(deploy_strategy s) {
    switch (s) {
        case deploy_strategy::pull:
            return "pull";
        case deploy_strategy::build:
            return "build";
        case deploy_strategy::restart:
            return "restart";
    }
    return "pull";
}

std::string read_manifest_file(const std::string& path) {
    file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        throw_unreadable(path, std::generic_category().message(errno));
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        throw_unreadable(path, std::generic_category().message(errno));
    }
    if (S_ISDIR(info.st_mode)) {
        throw_unreadable(path, "is a directory");
    }
    std::string text;
    char buffer[16 * 1024];
    while (true) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_unreadable(path, std::generic_category().message(errno));
        }
        if (n == 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > max_manifest_bytes) {
            throw_unreadable(path, "larger than 4 MiB");
        }
    }
    return text;
}

manifest load_manifest(const std::string& path) {
    return parse_manifest(read_manifest_file(path), path);
}

}  // namespace agent
