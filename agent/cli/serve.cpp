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
#include "deploy/store_journal.hpp"
#include "store/group_commit.hpp"
#include "store/store.hpp"
#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "http/api_routes.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "http/server_settings.hpp"
#include "manifest/manifest_holder.hpp"
#include "metrics/agent_metrics.hpp"
#include "secrets/hash_key.hpp"
#include "secrets/infisical_http_client.hpp"
#include "secrets/infisical_settings.hpp"
#include "secrets/secret_sync.hpp"

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

// An accepted delivery and its jobs are durable before the webhook is answered.
net::awaitable<std::vector<std::int64_t>> record_accepted(group_committer& committer,
                                                          std::string source, std::string event,
                                                          std::string delivery_id,
                                                          std::vector<planned_job> jobs) {
    delivery_record delivery{std::move(delivery_id), std::move(source), std::move(event),
                             "accepted", fmt::format("{} deployment(s) queued", jobs.size()),
                             unix_millis_now()};
    co_return co_await record_delivery_async(committer, std::move(delivery), std::move(jobs));
}

// Deliveries that queued nothing are recorded too, without making the caller wait for the disk
// and without an fsync of their own (a flood of refused requests must not cost one per burst).
void record_noted(group_committer& committer, std::string source, std::string event,
                  std::string delivery_id, std::string verdict, std::string reason) {
    struct ignore_completion final : delivery_completion {
        void complete(std::exception_ptr error, std::vector<std::int64_t>) override {
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    spdlog::error("could not record a delivery: {}", e.what());
                }
            }
        }
    };
    committer.submit(delivery_record{std::move(delivery_id), std::move(source), std::move(event),
                                     std::move(verdict), std::move(reason), unix_millis_now()},
                     {}, std::make_unique<ignore_completion>(), durability::relaxed);
}

// Deployments a previous run left behind: interrupted ones are marked, queued ones run now.
void recover(store& db, deploy_queue& queue) {
    for (const auto& d : db.mark_interrupted(unix_millis_now())) {
        spdlog::warn("deployment {} of {} was interrupted by a stop of the agent; marked failed "
                     "(check the container; deploy again with the API or 'deploy-agent deploy {}')",
                     d.id, d.app, d.app);
    }
    for (const auto& d : db.unfinished()) {
        if (d.state != deployment_state::queued) {
            continue;
        }
        spdlog::info("deployment {} of {} was queued before the agent stopped: running it now",
                     d.id, d.app);
        queue.submit(deploy_job{d.id, planned_job{d.app, d.action, d.trigger, d.commit,
                                                  d.delivery_id, d.force}});
    }
}

net::awaitable<void> prune_periodically(store& db) {
    steady_clock_source clock;
    for (;;) {
        try {
            if (auto n = db.prune(unix_millis_now()); n > 0) {
                spdlog::info("retention: removed {} old record(s)", n);
            }
        } catch (const std::exception& e) {
            spdlog::error("retention pruning failed: {}", e.what());
        }
        co_await clock.sleep_until(clock.now() + std::chrono::hours(1));
    }
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

// The Infisical client, cache and change detection; null client when no credentials are set
// (apps with secrets then fail to deploy, saying so).
std::unique_ptr<secrets_service> make_secrets(net::io_context& io, const infisical_settings& config,
                                              docker_client::docker_api& docker, clock& time,
                                              const std::string& data_dir) {
    std::unique_ptr<infisical_client> client;
    if (config.has_credentials()) {
        client = make_infisical_client(io.get_executor(), config, time);
        spdlog::info("Infisical at {} ({}); cache entries kept {} min{}", config.api_url,
                     config.client_id.empty() ? "service token" : "universal auth",
                     std::chrono::duration<double, std::ratio<60>>(config.cache_max_age).count(),
                     config.ca_file.empty() ? "" : "; extra CAs from " + config.ca_file);
    } else {
        spdlog::info("Infisical credentials not set: apps with secrets.infisical cannot deploy");
    }
    return std::make_unique<secrets_service>(std::move(client), docker, time, config.cache_max_age,
                                             load_or_create_hash_key(data_dir));
}

// Jobs found by the secrets poll are recorded and queued like a webhook's.
net::awaitable<void> queue_secret_redeploys(route_services* services, std::vector<planned_job> jobs) {
    try {
        auto ids = co_await services->record("infisical", "poll", "", jobs);
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            services->queue.submit(deploy_job{ids[i], jobs[i]});
        }
    } catch (const std::exception& e) {
        spdlog::error("could not queue the redeploys the secrets poll found: {}", e.what());
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

    std::unique_ptr<store> db;
    try {
        db = store::open(store_options{
            .data_dir = settings.data_dir,
            .retention = std::chrono::hours(24 * static_cast<long>(settings.retention_days))});
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return 1;
    }
    group_committer committer(*db);

    net::io_context io;
    auto docker_options = docker_client::options_from_environment();
    auto docker = docker_client::make_client(io.get_executor(), docker_options);
    store_journal store_records(*db);
    metrics::counting_journal journal(store_records, metrics::process_metrics());
    steady_clock_source clock;
    std::unique_ptr<secrets_service> secrets;
    infisical_settings infisical_config;
    try {
        infisical_config = infisical_settings_from_environment();
        secrets = make_secrets(io, infisical_config, *docker, clock, settings.data_dir);
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return 1;
    }
    deploy_executor runner(*docker, journal, secrets.get());
    deploy_queue queue(
        io.get_executor(),
        [&runner](app_spec app, deploy_job job) { return runner.run(std::move(app), std::move(job)); },
        journal, [&manifests] { return manifests->current(); }, clock,
        queue_options{.debounce = std::chrono::milliseconds(settings.debounce_ms),
                      .max_concurrent_apps = settings.max_concurrent_deploys});

    route_services services{
        .manifests = *manifests,
        .queue = queue,
        .record =
            [&committer](std::string source, std::string event, std::string delivery_id,
                         std::vector<planned_job> jobs) {
                metrics::count_delivery(metrics::process_metrics(), source, "queued", "");
                return record_accepted(committer, std::move(source), std::move(event),
                                       std::move(delivery_id), std::move(jobs));
            },
        .note =
            [&committer](std::string source, std::string event, std::string delivery_id,
                         std::string verdict, std::string reason) {
                metrics::count_delivery(metrics::process_metrics(), source, verdict, reason);
                record_noted(committer, std::move(source), std::move(event),
                             std::move(delivery_id), std::move(verdict), std::move(reason));
            },
        .count_refused =
            [](std::string source, std::string reason) {
                metrics::count_delivery(metrics::process_metrics(), source, "refused", reason);
            },
        .refusals_per_second = settings.refusals_per_second,
        .already_accepted =
            [&db](std::string_view delivery_id) { return db->delivery_accepted(delivery_id); },
        .secrets = environment_secret_source(),
        .github = {.allow_unsigned = env_flag("ALLOW_UNSIGNED_WEBHOOKS")},
        .infisical_secret = read_secret_from_env("INFISICAL_WEBHOOK_SECRET"),
        .infisical_window = std::chrono::minutes{5},
        .auto_redeploy = auto_redeploy_policy_from_environment(),
        .infisical_secrets = secrets.get(),
        .engine_ready = [&docker] { return engine_answers(*docker); },
    };
    warn_about_secrets(services.secrets, services.infisical_secret, services.github.allow_unsigned);
    auto jwt = read_secret_from_env("JWT_SECRET");
    if (!jwt) {
        spdlog::warn("JWT_SECRET is not set: /api answers 503");
    } else {
        spdlog::info("API bearer-token secret: {}", describe_secret(*jwt));
    }
    api_routes api(api_services{
        .manifests = *manifests,
        .db = *db,
        .record = services.record,
        .queue = queue,
        .docker = *docker,
        .jwt_secret = jwt ? std::optional<std::string>(jwt->value) : std::nullopt,
    });
    services.api = &api;
    if (infisical_config.sync_interval.count() > 0 && secrets->configured()) {
        secret_redeploy_sink sink = [&services](std::vector<planned_job> jobs) {
            return queue_secret_redeploys(&services, std::move(jobs));
        };
        net::co_spawn(io, poll_secrets_periodically(*secrets, *manifests, services.auto_redeploy,
                                                    infisical_config.sync_interval, clock,
                                                    std::move(sink)),
                      net::detached);
    }
    router routes(services);

    server_options http_options;
    http_options.address = settings.listen_address;
    http_options.port = settings.port;
    http_options.metrics = &metrics::process_metrics();
    try {
        http_options = server_options_from_environment(http_options);
    } catch (const std::invalid_argument& e) {
        spdlog::critical("{}", e.what());
        return 1;
    }
    if (!http_options.trusted_proxies.empty()) {
        spdlog::info("trusted proxies (CF-Connecting-IP / X-Forwarded-For believed): {}",
                     http_options.trusted_proxies.describe());
    }
    for (const auto& rule : http_options.access_rules) {
        spdlog::info("{}: only {} may call {}", rule.name, rule.allowed.describe(),
                     fmt::format("{}", fmt::join(rule.paths, ", ")));
    }
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
    spdlog::info("deploy-agent {} listening on http://{}:{} (manifest {}: {} app(s); history {})",
                 DA_VERSION, settings.listen_address, port, settings.manifest_path, m->apps.size(),
                 db->path());
    recover(*db, queue);
    net::co_spawn(io, prune_periodically(*db), net::detached);

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
    committer.stop();
    spdlog::info("stopped");
    return 0;
}

}  // namespace agent
