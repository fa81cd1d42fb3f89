#pragma once

#include <string>
#include <vector>

#include "docker_client/client.hpp"

namespace test {

/// Label on every container and image the tests create, so that cleanup can find them.
inline constexpr const char* test_label = "io.deploy-agent.test";

/// DOCKER_HOST of the engine under test. Fails the test (never skips) when none is set:
/// the test command starts a private engine and exports it.
std::string docker_host();
/// Client options for the engine under test: docker_host() and the client's default timeouts.
docker_client::client_options engine_client_options();
/// "127.0.0.1:PORT" of the local registry (DA_TEST_REGISTRY), or fails the test.
std::string registry();

struct command_result {
    int exit_code = -1;
    std::string output;  ///< stdout and stderr together
};
/// Runs the docker CLI against docker_host() for test setup (build, push, run). Never used to
/// check what the agent did through its own client when that client can be used instead.
command_result docker(const std::vector<std::string>& args);
/// Like docker() but fails the test when the command fails; returns trimmed output.
std::string docker_ok(const std::vector<std::string>& args);

/// A name unique to this test run: prefix + pid + counter.
std::string unique_name(const std::string& prefix);

/// Builds (once per run) a tiny busybox image FROM scratch and returns its tag.
std::string busybox_base_image();
/// Builds an image from busybox_base_image() plus `dockerfile_lines`, tagged `tag`, labelled
/// for cleanup; a build arg makes every call produce a new image id. Returns the image id.
std::string build_image(const std::string& tag, const std::string& dockerfile_lines);

/// Removes the container (force) when it goes out of scope.
class scoped_container {
public:
    explicit scoped_container(std::string name) : name_(std::move(name)) {}
    ~scoped_container();
    scoped_container(const scoped_container&) = delete;
    scoped_container& operator=(const scoped_container&) = delete;
    const std::string& name() const { return name_; }

private:
    std::string name_;
};

/// Removes the image tags when it goes out of scope.
class scoped_images {
public:
    scoped_images() = default;
    ~scoped_images();
    scoped_images(const scoped_images&) = delete;
    scoped_images& operator=(const scoped_images&) = delete;
    void add(std::string reference) { refs_.push_back(std::move(reference)); }

private:
    std::vector<std::string> refs_;
};

/// A directory with a busybox binary and `dockerfile` as its Dockerfile, removed when the
/// object goes out of scope. Add files with write().
class scoped_context {
public:
    explicit scoped_context(const std::string& dockerfile);
    ~scoped_context();
    scoped_context(const scoped_context&) = delete;
    scoped_context& operator=(const scoped_context&) = delete;
    /// Writes `content` to `relative_path` (creating parent directories).
    void write(const std::string& relative_path, const std::string& content) const;
    std::string path() const { return dir_; }

private:
    std::string dir_;
};

/// A docker-registry on 127.0.0.1 (a free port) that demands basic auth from an htpasswd file
/// (bcrypt) with one user; stopped and its storage removed when it goes out of scope.
class auth_registry {
public:
    static constexpr const char* username = "da-user";
    static constexpr const char* password = "da-secret-pw";
    auth_registry();
    ~auth_registry();
    auth_registry(const auth_registry&) = delete;
    auth_registry& operator=(const auth_registry&) = delete;
    /// "127.0.0.1:PORT"
    const std::string& address() const { return address_; }
    /// A docker CLI config directory logged in to this registry (for pushes in test setup).
    const std::string& cli_config() const { return cli_config_; }

private:
    std::string dir_;
    std::string address_;
    std::string cli_config_;
    int pid_ = -1;
};

/// The machine-wide lock on the engine's Swarm mode: while it is held, no test inits or leaves
/// a swarm. A swarm init or leave resets the engine's networking (a network connect fails with
/// "invalid cluster node", the embedded DNS drops aliases), so tests that check networks hold
/// it too.
class swarm_mode_lock {
public:
    swarm_mode_lock();
    ~swarm_mode_lock();
    swarm_mode_lock(const swarm_mode_lock&) = delete;
    swarm_mode_lock& operator=(const swarm_mode_lock&) = delete;

private:
    int fd_ = -1;
};

/// Holds the engine in swarm mode for one test: takes the swarm_mode_lock, inits a single-node
/// swarm on 127.0.0.1 unless one is already active, and leaves it at the end only when it made
/// it.
class swarm_session {
public:
    swarm_session();
    ~swarm_session();
    swarm_session(const swarm_session&) = delete;
    swarm_session& operator=(const swarm_session&) = delete;

private:
    swarm_mode_lock lock_;
    bool initialised_here_ = false;
};

/// Removes the Swarm services when it goes out of scope.
class scoped_services {
public:
    scoped_services() = default;
    ~scoped_services();
    scoped_services(const scoped_services&) = delete;
    scoped_services& operator=(const scoped_services&) = delete;
    void add(std::string name) { names_.push_back(std::move(name)); }

private:
    std::vector<std::string> names_;
};

/// Removes the networks when it goes out of scope.
class scoped_networks {
public:
    scoped_networks() = default;
    ~scoped_networks();
    scoped_networks(const scoped_networks&) = delete;
    scoped_networks& operator=(const scoped_networks&) = delete;
    void add(std::string name) { names_.push_back(std::move(name)); }

private:
    std::vector<std::string> names_;
};

/// A fresh busybox image (with quick_stop_cmd) and a labelled container running it, named from
/// `prefix`; both are removed at scope exit (the container first).
class test_app {
public:
    explicit test_app(const std::string& prefix);
    const std::string image;
    const std::string container;

private:
    scoped_images images_;
    scoped_container guard_;
};

}  // namespace test
