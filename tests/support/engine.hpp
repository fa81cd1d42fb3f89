#pragma once

#include <string>
#include <vector>

namespace test {

/// Label on every container and image the tests create, so that cleanup can find them.
inline constexpr const char* test_label = "io.deploy-agent.test";

/// DOCKER_HOST of the engine under test. Fails the test (never skips) when none is set:
/// the test command starts a private engine and exports it.
std::string docker_host();
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

}  // namespace test
