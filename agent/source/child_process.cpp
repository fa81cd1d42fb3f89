#include "source/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

namespace agent {

namespace {

using steady = std::chrono::steady_clock;

[[noreturn]] void throw_errno(int code, const std::string& what) {
    throw std::system_error(code, std::generic_category(), what);
}

// Closes what it holds at scope exit, so that no early return leaks a descriptor.
struct fd_pair {
    int fd[2] = {-1, -1};
    fd_pair() {
        if (::pipe2(fd, O_CLOEXEC) != 0) {
            throw_errno(errno, "pipe");
        }
    }
    ~fd_pair() {
        close_end(0);
        close_end(1);
    }
    fd_pair(const fd_pair&) = delete;
    fd_pair& operator=(const fd_pair&) = delete;
    void close_end(int i) {
        if (fd[i] >= 0) {
            ::close(fd[i]);
            fd[i] = -1;
        }
    }
};

struct spawn_setup {
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attr{};
    spawn_setup(const process_spec& spec, const fd_pair& out, const fd_pair& err) {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
        if (!spec.working_dir.empty()) {
            posix_spawn_file_actions_addchdir_np(&actions, spec.working_dir.c_str());
        }
        // Its own process group, so that a deadline kills git's helpers (ssh, remote-https)
        // too; default signal dispositions and an empty mask, whatever the agent changed.
        sigset_t none;
        sigset_t all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setpgroup(&attr, 0);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                            POSIX_SPAWN_SETSIGDEF);
    }
    ~spawn_setup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    spawn_setup(const spawn_setup&) = delete;
    spawn_setup& operator=(const spawn_setup&) = delete;
};

std::vector<char*> c_strings(const std::vector<std::string>& items) {
    std::vector<char*> out;
    out.reserve(items.size() + 1);
    for (const auto& s : items) {
        out.push_back(const_cast<char*>(s.c_str()));
    }
    out.push_back(nullptr);
    return out;
}

// Reads what is there; false at end of stream.
bool drain(int fd, std::string& into, std::size_t limit, bool& truncated) {
    std::array<char, 16384> buffer{};
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
        return errno == EINTR || errno == EAGAIN;
    }
    if (n == 0) {
        return false;
    }
    auto count = static_cast<std::size_t>(n);
    std::size_t room = into.size() < limit ? limit - into.size() : 0;
    into.append(buffer.data(), std::min(room, count));
    truncated = truncated || count > room;
    return true;
}

int remaining_ms(steady::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
    return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, 1000));
}

// Reads both pipes until both end or the deadline passes. False on the deadline.
bool collect(fd_pair& out, fd_pair& err, const process_spec& spec, process_result& r,
             steady::time_point deadline) {
    while (out.fd[0] >= 0 || err.fd[0] >= 0) {
        if (steady::now() >= deadline) {
            return false;
        }
        std::array<pollfd, 2> fds{pollfd{out.fd[0], POLLIN, 0}, pollfd{err.fd[0], POLLIN, 0}};
        if (::poll(fds.data(), fds.size(), remaining_ms(deadline)) < 0 && errno != EINTR) {
            throw_errno(errno, "poll");
        }
        if (fds[0].revents != 0 && !drain(out.fd[0], r.out, spec.output_limit, r.truncated)) {
            out.close_end(0);
        }
        if (fds[1].revents != 0 && !drain(err.fd[0], r.err, spec.output_limit, r.truncated)) {
            err.close_end(0);
        }
    }
    return true;
}

void record_status(int status, process_result& r) {
    if (WIFEXITED(status)) {
        r.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r.signal = WTERMSIG(status);
    }
}

}  // namespace

process_result run_process(const process_spec& spec) {
    if (spec.argv.empty()) {
        throw std::system_error(EINVAL, std::generic_category(), "run_process: no program");
    }
    fd_pair out;
    fd_pair err;
    pid_t pid = -1;
    {
        spawn_setup setup(spec, out, err);
        auto argv = c_strings(spec.argv);
        auto envp = c_strings(spec.env);
        int rc = ::posix_spawnp(&pid, argv[0], &setup.actions, &setup.attr, argv.data(),
                                envp.data());
        if (rc != 0) {
            throw_errno(rc, "cannot start " + spec.argv[0]);
        }
    }
    out.close_end(1);
    err.close_end(1);
    process_result r;
    const auto deadline = steady::now() + spec.deadline;
    bool in_time = collect(out, err, spec, r, deadline);
    int status = 0;
    // The pipes can close before the program ends (it closed them, or a child holds them).
    while (in_time) {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            record_status(status, r);
            return r;
        }
        if (done < 0 && errno != EINTR) {
            throw_errno(errno, "waitpid");
        }
        in_time = steady::now() < deadline;
        ::usleep(10000);
    }
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.timed_out = true;
    record_status(status, r);
    r.exit_code = -1;
    return r;
}

}  // namespace agent
