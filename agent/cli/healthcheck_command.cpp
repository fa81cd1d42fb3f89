#include "cli/healthcheck_command.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>

namespace agent {

namespace {

constexpr std::chrono::milliseconds deadline{3000};

// The agent answers on every address it listens on; a wildcard is reached on loopback.
std::string probe_host(const std::string& listen_address) {
    if (listen_address.empty() || listen_address == "0.0.0.0") {
        return "127.0.0.1";
    }
    if (listen_address == "::" || listen_address == "[::]") {
        return "::1";
    }
    return listen_address;
}

class socket_fd {
public:
    explicit socket_fd(int fd) : fd_(fd) {}
    ~socket_fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    socket_fd(const socket_fd&) = delete;
    socket_fd& operator=(const socket_fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// Blocking calls bounded by SO_RCVTIMEO/SO_SNDTIMEO; connect to a local port is immediate.
std::string ask_healthz(const std::string& host, unsigned short port) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
        return std::string("LISTEN_ADDRESS ") + host + ": " + ::gai_strerror(rc);
    }
    socket_fd fd(::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    timeval tv{.tv_sec = deadline.count() / 1000, .tv_usec = 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int connected = ::connect(fd.get(), found->ai_addr, found->ai_addrlen);
    ::freeaddrinfo(found);
    if (connected != 0) {
        return std::string("cannot connect: ") + std::strerror(errno);
    }
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: " + host +
                                "\r\nUser-Agent: deploy-agent-healthcheck\r\nConnection: "
                                "close\r\n\r\n";
    if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        return std::string("cannot send: ") + std::strerror(errno);
    }
    char buffer[64] = {};
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer - 1, 0);
    if (n <= 0) {
        return n == 0 ? "the connection closed without an answer"
                      : std::string("no answer: ") + std::strerror(errno);
    }
    std::string_view status_line(buffer, static_cast<std::size_t>(n));
    status_line = status_line.substr(0, status_line.find('\r'));
    if (status_line.starts_with("HTTP/1.1 200") || status_line.starts_with("HTTP/1.0 200")) {
        return {};
    }
    return "answered " + std::string(status_line);
}

}  // namespace

int run_healthcheck_command(const std::string& listen_address, unsigned short port,
                            std::ostream& err) {
    const std::string host = probe_host(listen_address);
    const std::string problem = ask_healthz(host, port);
    if (problem.empty()) {
        return 0;
    }
    err << "deploy-agent healthcheck: http://" << host << ":" << port << "/healthz: " << problem
        << "\n";
    return 1;
}

}  // namespace agent
