#include "cli/deploy_command.hpp"

#include <cstdlib>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "cli/console_journal.hpp"
#include "common/log.hpp"
#include "deploy/executor.hpp"
#include "deploy/recovery.hpp"
#include "deploy/store_journal.hpp"
#include "docker_client/client.hpp"
#include "manifest/manifest.hpp"
#include "planner/planner.hpp"
#include "secrets/infisical_settings.hpp"
#include "secrets/secrets_service.hpp"
#include "store/group_commit.hpp"
#include "store/owner_lock.hpp"
#include "store/store.hpp"

namespace agent {

namespace {

// The manifest and the app's entry, or the exit code 2 after saying why.
std::optional<manifest> load_for(const agent_settings& settings, const std::string& app) {
    manifest m;
    try {
        m = load_manifest(settings.manifest_path);
    } catch (const manifest_error& e) {
        std::cerr << e.what() << "\n";
        return std::nullopt;
    }
    if (m.find(app) == nullptr) {
        std::cerr << "deploy-agent: no app named '" << app << "' in " << settings.manifest_path
                  << "; apps there:";
        for (const auto& a : m.apps) {
            std::cerr << " " << a.name;
        }
        std::cerr << "\n";
        return std::nullopt;
    }
    return m;
}

void quiet_log(const environment& env) {
    if (env.get("LOG_LEVEL") == nullptr) {
        spdlog::set_level(spdlog::level::warn);  // the console journal already tells each step
    }
}

void print_plan(const deploy_plan& plan) {
    std::cout << "dry run of " << plan.app << " (container " << plan.container << "): would "
              << plan.action;
    if (!plan.image.empty()) {
        std::cout << " " << plan.image;
    }
    std::cout << "\n";
    if (!plan.compared_with.empty()) {
        std::cout << "compared with the local image " << plan.compared_with
                  << " (the pull may bring a newer one)\n";
    }
    for (const auto& c : plan.changes) {
        std::cout << "  " << c.field << ": " << c.before << " -> " << c.after << "\n";
    }
    if (!plan.note.empty()) {
        std::cout << plan.note << "\n";
    }
    std::cout << "nothing was changed\n";
}

}  // namespace

int run_dry_run_command(const agent_settings& settings, const std::string& app) {
    auto m = load_for(settings, app);
    if (!m) {
        return 2;
    }
    quiet_log(settings.env);
    net::io_context io;
    auto docker =
        docker_client::make_client(io.get_executor(), engine_options_from(settings.env));
    log_journal journal;
    deploy_executor runner(*docker, journal, nullptr, deploy_settings_of(settings));
    auto result = net::co_spawn(io, runner.plan(*m->find(app)), net::use_future);
    io.run();
    try {
        print_plan(result.get());
    } catch (const std::exception& e) {
        std::cerr << "deploy-agent: dry run of " << app << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}

int deploy_exit_code(deploy_result result) {
    switch (result) {
        case deploy_result::succeeded:
            return 0;
        case deploy_result::rolled_back:
            return 4;
        case deploy_result::superseded:
            return 5;
        case deploy_result::failed:
        case deploy_result::recovered:  // finished at a later start: not this command's success
            break;
    }
    return 1;
}

int run_deploy_command(const agent_settings& settings, const std::string& app) {
    auto m = load_for(settings, app);
    if (!m) {
        return 2;
    }
    auto job = plan_manual(*m, manual_request{app, true, "cli"});
    job->trigger = "cli";
    quiet_log(settings.env);
    std::string holder;
    std::optional<owner_lock> lock;
    try {
        lock = owner_lock::try_acquire(settings.data_dir, "deploy", holder);
    } catch (const std::exception& e) {
        std::cerr << "deploy-agent: " << e.what() << "\n";
        return 3;
    }
    if (!lock) {
        std::cerr << "deploy-agent: " << owner_lock_refusal(settings.data_dir, holder) << "\n";
        return 3;
    }
    // The deployment goes into the same history as the server's; without a usable DATA_DIR it
    // still runs, and says that it was not recorded.
    net::io_context io;
    std::unique_ptr<store> db;
    std::unique_ptr<group_committer> writer;
    std::unique_ptr<store_journal> recorded;
    std::int64_t id = 0;
    try {
        db = store::open(store_options{.data_dir = settings.data_dir});
        recover_interrupted_recreates_now(*db, *db, engine_options_from(settings.env));
        id = db->record_delivery(delivery_record{"", "cli", "deploy", "accepted",
                                                 "deploy-agent deploy " + app, unix_millis_now()},
                                 {*job})
                 .front();
        writer = std::make_unique<group_committer>(*db);
        recorded = std::make_unique<store_journal>(*writer, io.get_executor());
        std::cout << "deployment " << id << " (recorded in " << db->path() << ")" << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "deploy-agent: not recorded in the history: " << e.what() << "\n";
    }
    auto docker =
        docker_client::make_client(io.get_executor(), engine_options_from(settings.env));
    console_journal console;
    tee_journal journal(console, recorded.get());
    steady_clock_source time;
    std::unique_ptr<secrets_service> secrets;
    try {
        secrets = make_secrets_service(io.get_executor(),
                                       infisical_settings_from_environment(settings.env),
                                       *docker, time, settings.data_dir);
    } catch (const std::exception& e) {
        std::cerr << "deploy-agent: " << e.what() << "\n";
        return 1;
    }
    deploy_executor runner(*docker, journal, secrets.get(), deploy_settings_of(settings));
    auto result = net::co_spawn(io, runner.run(*m->find(app), deploy_job{id, *job}),
                                net::use_future);
    io.run();
    if (writer) {
        writer->stop();  // what the deployment reported is recorded before the exit
    }
    // rolled_back is a failure: the new version did not go live.
    return deploy_exit_code(result.get());
}

}  // namespace agent
