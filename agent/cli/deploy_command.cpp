#include "cli/deploy_command.hpp"

#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "deploy/executor.hpp"
#include "docker_client/client.hpp"
#include "manifest/manifest.hpp"
#include "planner/planner.hpp"

namespace agent {

namespace {

// Prints each step as it happens, for a person at a terminal.
class console_journal final : public deployment_journal {
public:
    void started(std::int64_t, std::string_view app, std::string_view old_image) override {
        std::cout << "deploying " << app << " (running " << (old_image.empty() ? "nothing" : old_image)
                  << ")" << std::endl;
    }
    void step(std::int64_t, std::string_view message) override {
        std::cout << "  " << message << std::endl;
    }
    void finished(std::int64_t, std::string_view app, deploy_result result,
                  std::string_view new_image, std::string_view error) override {
        if (result == deploy_result::succeeded) {
            std::cout << app << ": succeeded (" << new_image << ")" << std::endl;
        } else {
            std::cout << app << ": " << to_string(result) << ": " << error << std::endl;
        }
    }
    void superseded(std::int64_t, std::string_view app, std::int64_t by_id) override {
        std::cout << app << ": superseded by deployment " << by_id << std::endl;
    }
};

}  // namespace

int run_deploy_command(const agent_settings& settings, const std::string& app) {
    manifest m;
    try {
        m = load_manifest(settings.manifest_path);
    } catch (const manifest_error& e) {
        std::cerr << e.what() << "\n";
        return 2;
    }
    auto job = plan_manual(m, manual_request{app, true, "cli"});
    if (!job) {
        std::cerr << "deploy-agent: no app named '" << app << "' in " << settings.manifest_path
                  << "; apps there:";
        for (const auto& a : m.apps) {
            std::cerr << " " << a.name;
        }
        std::cerr << "\n";
        return 2;
    }
    job->trigger = "cli";
    net::io_context io;
    auto docker = docker_client::make_client(io.get_executor(), docker_client::options_from_environment());
    console_journal journal;
    deploy_executor runner(*docker, journal);
    auto result = net::co_spawn(io, runner.run(*m.find(app), deploy_job{0, *job}), net::use_future);
    io.run();
    return result.get() == deploy_result::succeeded ? 0 : 1;
}

}  // namespace agent
