#include "support/http_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace test {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// Reads one request (header and Content-Length body) within 10 s; false when it did not come.
bool read_request(int fd, received_request& out) {
    std::string data;
    char buffer[8192];
    std::size_t header_end = std::string::npos;
    std::size_t length = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        if (header_end != std::string::npos && data.size() >= header_end + 4 + length) {
            break;
        }
        pollfd p{fd, POLLIN, 0};
        if (std::chrono::steady_clock::now() > deadline || poll(&p, 1, 200) < 0) {
            return false;
        }
        if ((p.revents & POLLIN) == 0) {
            continue;
        }
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) {
            return false;
        }
        data.append(buffer, static_cast<std::size_t>(n));
        if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
            std::size_t line_end = data.find("\r\n");
            std::string request_line = data.substr(0, line_end);
            auto sp1 = request_line.find(' ');
            auto sp2 = request_line.find(' ', sp1 + 1);
            out.method = request_line.substr(0, sp1);
            out.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
            std::size_t at = line_end + 2;
            while (at < header_end) {
                std::size_t end = data.find("\r\n", at);
                std::string line = data.substr(at, end - at);
                auto colon = line.find(':');
                if (colon != std::string::npos) {
                    std::string value = line.substr(colon + 1);
                    value.erase(0, value.find_first_not_of(' '));
                    out.headers[lower(line.substr(0, colon))] = value;
                }
                at = end + 2;
            }
            if (auto it = out.headers.find("content-length"); it != out.headers.end()) {
                length = std::stoul(it->second);
            }
        }
    }
    out.body = data.substr(header_end + 4, length);
    return true;
}

}  // namespace

http_receiver::http_receiver(std::vector<unsigned> statuses, bool never_answer)
    : statuses_(std::move(statuses)), never_answer_(never_answer) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
        throw std::runtime_error("http_receiver: cannot listen");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
}

http_receiver::~http_receiver() {
    stopping_ = true;
    thread_.join();
    ::close(listen_fd_);
    for (int fd : held_) {
        ::close(fd);
    }
}

std::string http_receiver::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<received_request> http_receiver::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::size_t http_receiver::count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
}

void http_receiver::serve() {
    while (!stopping_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) {
            continue;
        }
        int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd >= 0) {
            handle(fd);
        }
    }
}

void http_receiver::handle(int fd) {
    received_request request;
    const bool complete = read_request(fd, request);
    unsigned status = 200;
    {
        std::lock_guard lock(mutex_);
        if (complete) {
            requests_.push_back(request);
        }
        // The n-th request gets the n-th status; the last one repeats.
        const std::size_t nth = requests_.empty() ? 0 : requests_.size() - 1;
        status = statuses_.empty() ? 200 : statuses_[std::min(nth, statuses_.size() - 1)];
        if (never_answer_) {
            held_.push_back(fd);
            return;
        }
    }
    std::string answer = "HTTP/1.1 " + std::to_string(status) +
                         " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    ssize_t ignored = ::write(fd, answer.data(), answer.size());
    (void)ignored;
    ::close(fd);
}

}  // namespace test
