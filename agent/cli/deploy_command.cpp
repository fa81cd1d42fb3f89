#include "cli/deploy_command.hpp"

#include <cstdlib>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "common/log.hpp"
#include "deploy/executor.hpp"
#include "secrets/hash_key.hpp"
#include "secrets/infisical_http_client.hpp"
#include "secrets/infisical_settings.hpp"
#include "deploy/store_journal.hpp"
#include "store/store.hpp"
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

// The console for the person at the terminal, the store for the history.
class tee_journal final : public deployment_journal {
public:
    tee_journal(deployment_journal& a, deployment_journal* b) : a_(a), b_(b) {}
    void started(std::int64_t id, std::string_view app, std::string_view old_image) override {
        a_.started(id, app, old_image);
        if (b_ != nullptr) {
            b_->started(id, app, old_image);
        }
    }
    void step(std::int64_t id, std::string_view message) override {
        a_.step(id, message);
        if (b_ != nullptr) {
            b_->step(id, message);
        }
    }
    void finished(std::int64_t id, std::string_view app, deploy_result result,
                  std::string_view new_image, std::string_view error) override {
        a_.finished(id, app, result, new_image, error);
        if (b_ != nullptr) {
            b_->finished(id, app, result, new_image, error);
        }
    }
    void superseded(std::int64_t id, std::string_view app, std::int64_t by_id) override {
        a_.superseded(id, app, by_id);
        if (b_ != nullptr) {
            b_->superseded(id, app, by_id);
        }
    }

private:
    deployment_journal& a_;
    deployment_journal* b_;
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
    if (std::getenv("LOG_LEVEL") == nullptr) {
        spdlog::set_level(spdlog::level::warn);  // the console journal already tells each step
    }
    // The deployment goes into the same history as the server's; without a usable DATA_DIR it
    // still runs, and says that it was not recorded.
    std::unique_ptr<store> db;
    std::unique_ptr<store_journal> recorded;
    std::int64_t id = 0;
    try {
        db = store::open(store_options{.data_dir = settings.data_dir});
        id = db->record_delivery(delivery_record{"", "cli", "deploy", "accepted",
                                                 "deploy-agent deploy " + app, unix_millis_now()},
                                 {*job})
                 .front();
        recorded = std::make_unique<store_journal>(*db);
        std::cout << "deployment " << id << " (recorded in " << db->path() << ")" << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "deploy-agent: not recorded in the history: " << e.what() << "\n";
    }
    net::io_context io;
    auto docker = docker_client::make_client(io.get_executor(), docker_client::options_from_environment());
    console_journal console;
    tee_journal journal(console, recorded.get());
    steady_clock_source time;
    std::unique_ptr<secrets_service> secrets;
    try {
        const infisical_settings config = infisical_settings_from_environment();
        std::unique_ptr<infisical_client> client;
        if (config.has_credentials()) {
            client = make_infisical_client(io.get_executor(), config, time);
        }
        secrets = std::make_unique<secrets_service>(std::move(client), *docker, time,
                                                    config.cache_max_age,
                                                    load_or_create_hash_key(settings.data_dir));
    } catch (const std::exception& e) {
        std::cerr << "deploy-agent: " << e.what() << "\n";
        return 1;
    }
    deploy_executor runner(*docker, journal, secrets.get());
    auto result = net::co_spawn(io, runner.run(*m.find(app), deploy_job{id, *job}), net::use_future);
    io.run();
    return result.get() == deploy_result::succeeded ? 0 : 1;
}

}  // namespace agent
