#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test {

/// A socket proxy in front of the engine under test, as docs/socket-proxy.md puts one in front
/// of the agent's: it relays each connection to the engine byte for byte and notes the request
/// line of each (the client makes one call per connection). agent_process puts one between every
/// agent it starts and the engine; on destruction the calls, as docs/docker-endpoints.md names
/// them ("GET /containers/{id}/json"), are appended to a file in DA_ENGINE_CALLS_DIR, which the
/// endpoint list test reads.
class engine_call_recorder {
  public:
    /// Listens on a fresh unix socket that relays to `engine_socket_path`.
    explicit engine_call_recorder(std::string engine_socket_path);
    ~engine_call_recorder();
    engine_call_recorder(const engine_call_recorder&) = delete;
    engine_call_recorder& operator=(const engine_call_recorder&) = delete;

    /// "unix:///tmp/…": the DOCKER_HOST to give the agent.
    std::string docker_host() const { return "unix://" + path_; }
    /// The calls seen so far, one "METHOD /endpoint/{template}" each.
    std::vector<std::string> calls() const;

    /// A recorder for a child process, or null when the test chooses the child's engine itself
    /// or the engine under test is not a unix socket.
    static std::unique_ptr<engine_call_recorder> for_child(bool test_sets_engine);

  private:
    void accept_loop();
    void relay(int client);

    std::string upstream_;
    std::string path_;
    int listener_ = -1;
    int stop_pipe_[2] = {-1, -1};
    mutable std::mutex mutex_;
    std::vector<std::string> calls_;
    std::vector<std::thread> relays_;
    std::thread acceptor_;
};

}  // namespace test
