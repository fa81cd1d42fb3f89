#include "support/engine_call_recorder.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "docker_client/client.hpp"
#include "support/engine.hpp"

namespace test {

namespace {

int listen_unix(const std::string& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    ::unlink(path.c_str());
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(fd, 64) != 0) {
        throw std::runtime_error("engine_call_recorder: cannot listen on " + path);
    }
    return fd;
}

int connect_unix(const std::string& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

engine_call_recorder::engine_call_recorder(std::string engine_socket_path)
    : upstream_(std::move(engine_socket_path)),
      path_((std::filesystem::temp_directory_path() / (unique_name("da-ecr") + ".sock")).string()) {
    if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
        throw std::runtime_error("engine_call_recorder: pipe");
    }
    listener_ = listen_unix(path_);
    acceptor_ = std::thread([this] { accept_loop(); });
}

engine_call_recorder::~engine_call_recorder() {
    // Readable from now on: every loop ends.
    (void)::write(stop_pipe_[1], "x", 1);
    acceptor_.join();
    for (auto& t : relays_) {
        t.join();
    }
    ::close(listener_);
    ::close(stop_pipe_[0]);
    ::close(stop_pipe_[1]);
    ::unlink(path_.c_str());
    std::vector<std::string> seen = calls();
    if (seen.empty()) {
        return;
    }
    std::error_code ignored;
    std::filesystem::create_directories(DA_ENGINE_CALLS_DIR, ignored);
    std::ofstream out(std::filesystem::path(DA_ENGINE_CALLS_DIR) /
                          (std::filesystem::path(path_).stem().string() + ".calls"),
                      std::ios::app);
    for (const auto& call : seen) {
        out << call << "\n";
    }
}

std::vector<std::string> engine_call_recorder::calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
}

std::unique_ptr<engine_call_recorder> engine_call_recorder::for_child(bool test_sets_engine) {
    const char* host = std::getenv("DOCKER_HOST");
    if (test_sets_engine || host == nullptr || !std::string_view(host).starts_with("unix://")) {
        return nullptr;
    }
    return std::make_unique<engine_call_recorder>(std::string(host).substr(7));
}

void engine_call_recorder::accept_loop() {
    for (;;) {
        pollfd fds[2] = {{listener_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            continue;
        }
        if (fds[1].revents != 0) {
            return;
        }
        int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client >= 0) {
            std::lock_guard lock(mutex_);
            relays_.emplace_back([this, client] { relay(client); });
        }
    }
}

void engine_call_recorder::relay(int client) {
    int engine = connect_unix(upstream_);
    if (engine < 0) {
        ::close(client);
        return;
    }
    std::string head;
    bool noted = false;
    char buffer[65536];
    for (bool open = true; open;) {
        pollfd fds[3] = {{client, POLLIN, 0}, {engine, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
        if (::poll(fds, 3, -1) < 0) {
            continue;
        }
        if (fds[2].revents != 0) {
            break;
        }
        for (int side = 0; side < 2 && open; ++side) {
            if (fds[side].revents == 0) {
                continue;
            }
            int from = side == 0 ? client : engine;
            int to = side == 0 ? engine : client;
            ssize_t n = ::recv(from, buffer, sizeof(buffer), 0);
            if (n <= 0) {
                open = false;
                break;
            }
            if (side == 0 && !noted) {
                head.append(buffer, static_cast<std::size_t>(n));
                if (auto eol = head.find("\r\n"); eol != std::string::npos) {
                    noted = true;
                    std::string line = head.substr(0, eol);
                    auto sp1 = line.find(' ');
                    auto sp2 = line.find(' ', sp1 + 1);
                    std::string method = line.substr(0, sp1);
                    std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
                    std::lock_guard lock(mutex_);
                    calls_.push_back(method + " " + docker_client::endpoint_template(target));
                }
            }
            open = write_all(to, buffer, static_cast<std::size_t>(n));
        }
    }
    ::close(client);
    ::close(engine);
}

}  // namespace test
