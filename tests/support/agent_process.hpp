#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace test {

class engine_call_recorder;

/// The built deploy-agent binary running as a child process, its stdout and stderr in a file.
/// The destructor stops it (SIGTERM, then SIGKILL after 5 s). Unless `env` names the engine
/// (DOCKER_HOST, DOCKER_SOCK_PATH), the child reaches the engine through an
/// engine_call_recorder, which notes each Engine API call for the endpoint list test.
class agent_process {
public:
    /// Starts `deploy-agent args…` with the parent's environment plus `env`.
    agent_process(std::vector<std::string> args, std::map<std::string, std::string> env);
    /// The same with another build of the program (DA_PAUSED_AGENT_BINARY).
    agent_process(std::vector<std::string> args, std::map<std::string, std::string> env,
                  std::string binary);
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
    std::unique_ptr<engine_call_recorder> recorder_;
    int pid_ = -1;
    std::string log_path_;
    unsigned short port_ = 0;
};

/// Runs the binary to completion (through an engine_call_recorder, as agent_process);
/// returns {exit code, output}.
std::pair<int, std::string> run_agent_command(std::vector<std::string> args,
                                              std::map<std::string, std::string> env = {});

}  // namespace test
