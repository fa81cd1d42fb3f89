#pragma once

// What the recreate engine tests share: a busybox web app published on 127.0.0.1, its image in
// the test registry, a journal that keeps what the executor reported, and a docker_api
// decorator that fails one named call (the engine cannot be made to fail on demand).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "deploy/executor.hpp"
#include "docker_client/docker_api.hpp"
#include "support/engine.hpp"

namespace rig {

namespace net = boost::asio;

/// Dockerfile lines of a web app answering `version` on port 80 (from `root`) that stops at
/// once on TERM; `cmd` (a CMD line) replaces its command when given.
std::string web_dockerfile(const std::string& version, const std::string& extra_lines = "",
                           const std::string& root = "/www", const std::string& cmd = "");

/// Keeps every step, the recreate records and the outcome.
struct recording_journal final : agent::deployment_journal {
    std::vector<std::string> steps;
    std::vector<std::string> recorded;  ///< recreate steps, in order
    std::optional<agent::deploy_result> result;
    std::string error;
    std::string new_image;

    void started(std::int64_t, std::string_view, std::string_view) override {}
    void step(std::int64_t, std::string_view message) override { steps.emplace_back(message); }
    void finished(std::int64_t, std::string_view, agent::deploy_result r, std::string_view image,
                  std::string_view e) override {
        result = r;
        error = e;
        new_image = image;
    }
    void superseded(std::int64_t, std::string_view, std::int64_t) override {}
    boost::asio::awaitable<void> recreate_step(agent::recreate_progress p) override {
        recorded.push_back(p.step);
        co_return;
    }
    /// All steps on one line each (for INFO).
    std::string transcript() const;
};

/// An app under test: its image `<registry>/<name>:latest` pushed to the test registry, its
/// container running with `run_args` and port 80 published on 127.0.0.1. Removes the container
/// (with its anonymous volumes), any container parked for it, and its image at scope exit.
class web_app {
public:
    /// `registry` ("127.0.0.1:PORT", the test registry when empty) and `cli_config` (a docker
    /// CLI config directory logged in to it, when it requires authentication).
    web_app(const std::string& prefix, const std::string& dockerfile_lines,
            const std::vector<std::string>& run_args = {}, const std::string& registry = "",
            const std::string& cli_config = "");
    ~web_app();
    web_app(const web_app&) = delete;
    web_app& operator=(const web_app&) = delete;

    /// Builds `dockerfile_lines` under the same tag and pushes it (the next version to deploy).
    std::string push_version(const std::string& dockerfile_lines);
    /// The published port of port 80 now (a recreate may change it when it was chosen at random).
    unsigned short port() const;
    /// GET / on the published port: the body, or "" when nothing answers.
    std::string get() const;
    /// The manifest entry (strategy pull, short health timings).
    agent::app_spec spec() const;

    const std::string name;
    const std::string image;

private:
    std::string cli_config_;
    std::vector<std::string> images_;
};

/// The container role of the engine under test, failing the first call named `fail_call`
/// ("rename", "create", "start", "stop", "remove") with a 500 "injected fault", or the first N
/// with "start*N"; forwards everything else.
class failing_docker final : public docker_client::container_api {
  public:
    failing_docker(docker_client::container_api& next, std::string fail_call)
        : next_(next),
          fail_(fail_call.substr(0, fail_call.find('*'))),
          failures_left_(fail_call.find('*') == std::string::npos
                             ? 1
                             : std::stoi(fail_call.substr(fail_call.find('*') + 1))) {}
    net::awaitable<std::optional<docker_client::container_info>> inspect_container(
        std::string name_or_id) override;
    net::awaitable<std::string> create_container(
        std::string name, docker_client::container_create_request request) override;
    net::awaitable<void> start_container(std::string id) override;
    net::awaitable<void> stop_container(std::string id, docker_client::stop_options o) override;
    net::awaitable<void> restart_container(std::string id,
                                           docker_client::stop_options o) override;
    net::awaitable<void> rename_container(std::string id, std::string new_name) override;
    net::awaitable<void> remove_container(std::string id,
                                          docker_client::remove_options o) override;
    net::awaitable<std::vector<docker_client::container_summary>> list_containers(
        docker_client::container_list_options o) override;
    net::awaitable<void> kill_container(std::string id, std::string signal) override;
    net::awaitable<docker_client::wait_result> wait_container(
        std::string id, docker_client::wait_options o) override;
    net::awaitable<docker_client::container_logs> logs(std::string id,
                                                       docker_client::log_options o) override;

  private:
    void maybe_fail(const char* call);
    docker_client::container_api& next_;
    std::string fail_;
    int failures_left_;
};

/// One deploy of `app` by the real executor against the engine under test, through
/// failing_docker when `fail_call` is set, the agent's environment being `env` (registry_auth).
/// Deployment id 1: the parked name is `<name>-parked-1`.
agent::deploy_result run_deploy(const agent::app_spec& app, recording_journal& journal,
                                const std::string& fail_call = "", agent::environment env = {});

/// `docker inspect --format FORMAT name`, or "" when it does not exist.
std::string inspect(const std::string& name, const std::string& format);

}  // namespace rig
