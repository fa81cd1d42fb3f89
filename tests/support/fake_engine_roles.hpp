#pragma once

// The container and image roles of an engine, held in memory: for the recreate sequence and
// its rollback, where a test must make any one call fail or a new container misbehave on
// demand. The real engine runs the same sequence in tests/integration/recreate_test.cpp.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "docker_client/container_api.hpp"
#include "docker_client/image_api.hpp"

namespace test {

namespace net = boost::asio;

/// Containers by id, each with a name and a state. Every call that changes something is noted
/// in `calls` ("rename ID NAME", "create NAME", "stop ID", "start ID", "remove ID", "restart ID",
/// "kill ID"); inspections are counted in `inspections`.
class fake_containers final : public docker_client::container_api {
  public:
    /// How a container created by the fake behaves once started.
    enum class behaviour { runs, exits, unhealthy };

    struct container {
        std::string id;
        std::string name;
        std::string image_id;
        bool running = false;
        std::optional<std::string> health;  ///< the healthcheck's status, when it has one
        int exit_code = 0;
        docker_client::json_document create_body;  ///< the request's body (null for added ones)
    };

    std::map<std::string, container> by_id;
    std::vector<std::string> calls;
    int inspections = 0;
    behaviour created_behaviour = behaviour::runs;

    /// Adds a running container; returns its id.
    std::string add_running(const std::string& name, const std::string& image_id);
    /// The container now named `name`, or nullptr.
    const container* named(const std::string& name) const;
    /// The next call of `call` ("rename", "create", "stop", "start", "remove", "inspect") throws
    /// a docker_client::error (500 "injected fault") instead of acting.
    void fail_next(std::string call) { fail_.push_back(std::move(call)); }

    net::awaitable<std::optional<docker_client::container_info>> inspect_container(
        std::string name_or_id) override;
    net::awaitable<std::string> create_container(
        std::string name, docker_client::container_create_request request) override;
    net::awaitable<void> start_container(std::string id) override;
    net::awaitable<void> stop_container(std::string id, docker_client::stop_options o) override;
    net::awaitable<void> restart_container(std::string id, docker_client::stop_options o) override;
    net::awaitable<void> rename_container(std::string id, std::string new_name) override;
    net::awaitable<void> remove_container(std::string id, docker_client::remove_options o) override;
    net::awaitable<std::vector<docker_client::container_summary>> list_containers(
        docker_client::container_list_options o) override;
    net::awaitable<void> kill_container(std::string id, std::string signal) override;
    net::awaitable<docker_client::wait_result> wait_container(
        std::string id, docker_client::wait_options o) override;
    net::awaitable<docker_client::container_logs> logs(std::string id,
                                                       docker_client::log_options o) override;

  private:
    /// Throws when `call` was told to fail next.
    void maybe_fail(const std::string& call);
    /// The container with this id or name; throws a 404 docker_client::error when none.
    container& find(const std::string& id_or_name, const std::string& call);

    std::vector<std::string> fail_;
    int created_ = 0;
};

/// Images by reference (tag or id). Changes are noted in `calls` ("pull REF", "remove REF",
/// "tag SRC REPO:TAG", "build DIR", "prune"); a pull makes `pulled_as[REF]` answer to REF and to
/// its id; a build answers to its tags and a new id.
class fake_images final : public docker_client::image_api {
  public:
    std::map<std::string, docker_client::image_info> by_reference;
    std::map<std::string, docker_client::image_info> pulled_as;
    std::vector<std::string> calls;

    net::awaitable<std::optional<docker_client::image_info>> inspect_image(
        std::string reference) override;
    net::awaitable<void> pull_image(std::string reference,
                                    std::optional<docker_client::registry_auth> auth,
                                    docker_client::progress_callback on_progress) override;
    net::awaitable<void> tag_image(std::string source, std::string repository,
                                   std::string tag) override;
    net::awaitable<bool> remove_image(std::string reference,
                                      docker_client::image_remove_options o) override;
    net::awaitable<docker_client::prune_result> prune_dangling_images(
        std::vector<std::string> label_filters) override;
    net::awaitable<docker_client::distribution_info> distribution_inspect(
        std::string reference, std::optional<docker_client::registry_auth> auth) override;
    net::awaitable<docker_client::build_result> build_image(
        docker_client::build_options options, docker_client::build_log_callback on_log) override;
};

}  // namespace test
