#include "secrets/hash_key.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>


namespace agent {

namespace {

constexpr std::size_t key_size = 32;

[[noreturn]] void fail(const std::string& path, const char* what) {
    throw std::runtime_error(path + ": cannot " + what + " the secrets-hash key: " +
                             std::strerror(errno));
}

std::string read_key(const std::string& path, int fd) {
    std::string key(key_size + 1, '\0');
    const ssize_t n = ::read(fd, key.data(), key.size());
    ::close(fd);
    if (n < 0) {
        fail(path, "read");
    }
    if (static_cast<std::size_t>(n) != key_size) {
        throw std::runtime_error(path + ": the secrets-hash key is not 32 bytes; remove the file "
                                 "to create a new one (apps with secrets are then redeployed once "
                                 "on their next secret change)");
    }
    key.resize(key_size);
    return key;
}

}  // namespace

std::string load_or_create_hash_key(const std::string& data_dir) {
    const std::string path = data_dir + "/secrets-hash.key";
    if (int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        return read_key(path, fd);
    }
    if (errno != ENOENT) {
        fail(path, "open");
    }
    std::string key(key_size, '\0');
    // The kernel's CSPRNG: RAND_bytes would set up OpenSSL's DRBG at start (hundreds of KB
    // resident in an agent that may never need it).
    if (::getrandom(key.data(), key.size(), 0) != static_cast<ssize_t>(key.size())) {
        fail(path, "get random bytes for");
    }
    const std::string temp = path + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        fail(temp, "create");
    }
    const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
                         ::fsync(fd) == 0;
    ::close(fd);
    // link() fails when another process created the key first: then use that one.
    if (!written || (::link(temp.c_str(), path.c_str()) != 0 && errno != EEXIST)) {
        const int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        fail(path, "write");
    }
    ::unlink(temp.c_str());
    const int again = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (again < 0) {
        fail(path, "open");
    }
    return read_key(path, again);
}

}  // namespace agent
