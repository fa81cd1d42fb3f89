#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace test {

/// The built deploy-agent binary running as a child process, its stdout and stderr in a file.
/// The destructor stops it (SIGTERM, then SIGKILL after 5 s).
class agent_process {
public:
    /// Starts `deploy-agent args…` with the parent's environment plus `env`.
    agent_process(std::vector<std::string> args, std::map<std::string, std::string> env);
    ~agent_process();
    agent_process(const agent_process&) = delete;
    agent_process& operator=(const agent_process&) = delete;

    /// Waits until the log contains `text`; false on timeout or when the process exited.
    bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout);
    /// The port from the "listening on http://ADDR:PORT" line (waits up to 20 s; fails the test otherwise).
    unsigned short port();
    /// Everything it printed so far.
    std::string log() const;
    /// Sends `signal` (e.g. SIGKILL) and reaps the process; returns its wait status.
    int kill_with(int signal);
    bool running();
    /// The child's process id (for /proc/<pid>/status).
    int pid() const { return pid_; }

private:
    int pid_ = -1;
    std::string log_path_;
    unsigned short port_ = 0;
};

/// Runs the binary to completion; returns {exit code, output}.
std::pair<int, std::string> run_agent_command(std::vector<std::string> args,
                                              std::map<std::string, std::string> env = {});

}  // namespace test
