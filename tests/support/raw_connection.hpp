#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

namespace test {

/// A plain blocking TCP connection to 127.0.0.1, closed by the destructor: for sending bytes no
/// well-behaved client would.
struct raw_connection {
    int fd = -1;
    explicit raw_connection(unsigned short port) {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~raw_connection() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    raw_connection(const raw_connection&) = delete;
    raw_connection& operator=(const raw_connection&) = delete;

    bool send_text(std::string_view text) const {
        return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(text.size());
    }
    bool readable(std::chrono::milliseconds wait) const {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, static_cast<int>(wait.count())) == 1;
    }
    /// Reads until the server closes (true) or `wait` passes (false); `out` gets the bytes.
    bool read_until_closed(std::string& out, std::chrono::milliseconds wait) const {
        using clock = std::chrono::steady_clock;
        const auto deadline = clock::now() + wait;
        char buf[4096];
        while (clock::now() < deadline) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            if (!readable(std::max(left, std::chrono::milliseconds(1)))) {
                continue;
            }
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                return true;  // EOF or reset: the server closed it
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
        return false;
    }
};

}  // namespace test
