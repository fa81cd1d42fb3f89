#include "cli/serve.hpp"

#include <atomic>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "deploy/deploy_queue.hpp"
#include "deploy/executor.hpp"
#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "manifest/manifest_holder.hpp"

namespace agent {

namespace {

net::awaitable<bool> engine_answers(docker_client::docker_api& docker) {
    try {
        co_await docker.ping();
        co_return true;
    } catch (const std::exception&) {
        co_return false;
    }
}

net::awaitable<void> report_engine(docker_client::docker_api& docker, std::string host) {
    try {
        auto v = co_await docker.ping();
        spdlog::info("Docker Engine {} at {}: API {} (daemon {}, minimum {})", v.engine_version, host,
                     v.api_version, v.daemon_api_version,
                     v.min_api_version.empty() ? "?" : v.min_api_version);
    } catch (const std::exception& e) {
        spdlog::error("Docker Engine not reachable: {}. Deploys will fail until it is; mount the "
                      "socket (-v /var/run/docker.sock:/var/run/docker.sock) or set DOCKER_HOST",
                      e.what());
    }
}

// Ids handed out before the store records deployments; they restart at 1 with the process.
net::awaitable<std::vector<std::int64_t>> number_jobs(std::atomic<std::int64_t>& counter,
                                                      std::vector<planned_job> jobs) {
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        ids.push_back(++counter);
    }
    co_return ids;
}

void warn_about_secrets(const secret_source& secrets, const std::optional<configured_secret>& infisical,
                        bool allow_unsigned) {
    auto github = secrets.lookup(default_github_secret_env);
    if (!github) {
        spdlog::warn("WEBHOOK_SECRET is not set: GitHub deliveries are answered 503 'not configured' "
                     "unless an app names its own secret_env");
    } else {
        spdlog::info("GitHub webhook secret: {}", describe_secret(*github));
        if (github->had_trailing_newline()) {
            spdlog::warn("WEBHOOK_SECRET ended with a newline, which was removed; if GitHub's "
                         "secret really ends with one, signatures will not match");
        }
    }
    if (!infisical) {
        spdlog::warn("INFISICAL_WEBHOOK_SECRET is not set: Infisical deliveries are answered 503");
    } else {
        spdlog::info("Infisical webhook secret: {}", describe_secret(*infisical));
    }
    if (allow_unsigned) {
        spdlog::warn("ALLOW_UNSIGNED_WEBHOOKS=true: deliveries WITHOUT a signature are accepted. "
                     "Anyone who can reach this port can trigger deploys. Use it on test rigs only");
    }
}

}  // namespace

int run_serve(const agent_settings& settings) {
    std::unique_ptr<manifest_holder> manifests;
    try {
        manifests = std::make_unique<manifest_holder>(settings.manifest_path);
    } catch (const manifest_error& e) {
        for (const auto& p : e.problems()) {
            std::cerr << p << "\n";
        }
        std::cerr << "deploy-agent: the manifest is not valid; fix it and start again "
                     "(check it with: deploy-agent validate --manifest "
                  << settings.manifest_path << ")\n";
        return 1;
    }

    net::io_context io;
    auto docker_options = docker_client::options_from_environment();
    auto docker = docker_client::make_client(io.get_executor(), docker_options);
    log_journal journal;
    deploy_executor runner(*docker, journal);
    deploy_queue queue(io.get_executor(), runner, journal,
                       [&manifests] { return manifests->current(); });
    std::atomic<std::int64_t> counter{0};

    route_services services{
        .manifests = *manifests,
        .queue = queue,
        .record = [&counter](std::string, std::string, std::string, std::vector<planned_job> jobs) {
            return number_jobs(counter, std::move(jobs));
        },
        .secrets = environment_secret_source(),
        .github = {.allow_unsigned = env_flag("ALLOW_UNSIGNED_WEBHOOKS")},
        .infisical_secret = read_secret_from_env("INFISICAL_WEBHOOK_SECRET"),
        .infisical_window = std::chrono::minutes{5},
        .auto_redeploy = auto_redeploy_policy_from_environment(),
        .engine_ready = [&docker] { return engine_answers(*docker); },
    };
    warn_about_secrets(services.secrets, services.infisical_secret, services.github.allow_unsigned);
    router routes(std::move(services));

    server_options http_options;
    http_options.address = settings.listen_address;
    http_options.port = settings.port;
    http_server server(io.get_executor(), http_options,
                       [&routes](http_request request) { return routes.handle(std::move(request)); });
    unsigned short port = 0;
    try {
        port = server.listen();
    } catch (const std::exception& e) {
        spdlog::critical("{}: is another process using the port? Set PORT or --listen", e.what());
        return 1;
    }
    auto m = manifests->current();
    spdlog::info("deploy-agent {} listening on http://{}:{} (manifest {}: {} app(s))", DA_VERSION,
                 settings.listen_address, port, settings.manifest_path, m->apps.size());

    net::co_spawn(io, server.run(), net::detached);
    net::co_spawn(io, watch_manifest(*manifests, std::chrono::seconds(2)), net::detached);
    net::co_spawn(io, report_engine(*docker, docker_options.host), net::detached);

    net::signal_set stop_signals(io, SIGINT, SIGTERM);
    stop_signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (!ec) {
            spdlog::info("signal {} received: stopping", signal);
            server.stop();
            io.stop();
        }
    });
    io.run();
    spdlog::info("stopped");
    return 0;
}

}  // namespace agent
