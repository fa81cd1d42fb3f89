#include "cli/serve.hpp"

#include <malloc.h>

#include <algorithm>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "accept/acceptor.hpp"
#include "accept/decision.hpp"
#include "api/api_routes.hpp"
#include "api/token_settings.hpp"
#include "cli/serve_routes.hpp"
#include "cli/serve_tasks.hpp"
#include "common/iso8601.hpp"
#include "common/log.hpp"
#include "deploy/counting_journal.hpp"
#include "deploy/deploy_queue.hpp"
#include "deploy/executor.hpp"
#include "deploy/graceful_stop.hpp"
#include "deploy/recovery.hpp"
#include "deploy/store_journal.hpp"
#include "deploy/swarm_step.hpp"
#include "docker_client/client.hpp"
#include "http/server.hpp"
#include "http/server_settings.hpp"
#include "manifest/manifest_holder.hpp"
#include "metrics/agent_metrics.hpp"
#include "notify/commit_status.hpp"
#include "notify/notifier.hpp"
#include "secrets/infisical_settings.hpp"
#include "secrets/secret_sync.hpp"
#include "secrets/secrets_service.hpp"
#include "status/status_routes.hpp"
#include "store/group_commit.hpp"
#include "store/owner_lock.hpp"
#include "store/store.hpp"
#include "webhooks/webhook_endpoints.hpp"

namespace agent {

namespace {

std::unique_ptr<manifest_holder> load_valid_manifest(const std::string& path) {
    try {
        return std::make_unique<manifest_holder>(path);
    } catch (const manifest_error& e) {
        for (const auto& p : e.problems()) {
            std::cerr << p << "\n";
        }
        std::cerr << "deploy-agent: the manifest is not valid; fix it and start again "
                     "(check it with: deploy-agent validate --manifest "
                  << path << ")\n";
        return nullptr;
    }
}

store_options history_options(const agent_settings& settings) {
    return store_options{
        .data_dir = settings.data_dir,
        .retention = std::chrono::hours(24 * static_cast<long>(settings.retention_days))};
}

std::unique_ptr<store> open_history(const agent_settings& settings) {
    try {
        return store::open(history_options(settings));
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return nullptr;
    }
}

// The deliveries accepted before this start, as long as the history keeps them.
std::optional<accepted_deliveries> accepted_before(delivery_log& history,
                                                   const agent_settings& settings) {
    const store_options kept = history_options(settings);
    try {
        return load_accepted_deliveries(
            history,
            accepted_deliveries_settings{
                .retention = std::chrono::duration_cast<std::chrono::milliseconds>(kept.retention),
                .max_ids = kept.max_deliveries},
            unix_millis(std::chrono::system_clock::now()));
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return std::nullopt;
    }
}

// JWT_SECRET and TOKEN_MAX_TTL for /api. False, with the reason logged, when the agent must not
// start: a key that is short or shared with a webhook would let others mint tokens.
bool read_api_settings(const environment& env, const manifest& m, api_services& api) {
    try {
        api.token_max_ttl = token_max_ttl_from_environment(env);
    } catch (const std::invalid_argument& e) {
        spdlog::critical("{}", e.what());
        return false;
    }
    auto jwt = read_secret_from_env(env, "JWT_SECRET");
    if (!jwt) {
        spdlog::warn("JWT_SECRET is not set: /api answers 503");
        return true;
    }
    std::vector<std::string> app_envs;
    for (const auto& app : m.apps) {
        for (const char* forge : {"github", "gitea", "gitlab"}) {
            if (const github_trigger* trigger = forge_trigger(app, forge)) {
                app_envs.push_back(trigger->secret_env);
            }
        }
    }
    if (auto problem = jwt_secret_problem_in_environment(jwt->value, env, app_envs);
        !problem.empty()) {
        spdlog::critical("{}; the agent does not start with it", problem);
        return false;
    }
    spdlog::info("API bearer-token secret: {}; tokens live at most {} s (TOKEN_MAX_TTL)",
                 describe_secret(*jwt), api.token_max_ttl.count());
    api.jwt_secret = jwt->value;
    return true;
}

webhook_settings read_webhook_settings(const agent_settings& settings) {
    infisical_intake_options infisical;
    infisical.allow_unsigned = env_flag(settings.env, "ALLOW_UNSIGNED_WEBHOOKS");
    infisical.allow_untimed = env_flag(settings.env, "INFISICAL_ALLOW_UNTIMED");
    if (infisical.allow_untimed) {
        spdlog::warn("INFISICAL_ALLOW_UNTIMED=true: Infisical deliveries without a signed "
                     "timestamp are accepted (each is refused as a replay for {} s only)",
                     std::chrono::duration_cast<std::chrono::seconds>(infisical.window).count());
    }
    return webhook_settings{
        .secrets = environment_secret_source(settings.env),
        .github = {.allow_unsigned = infisical.allow_unsigned},
        .infisical_secret = read_secret_from_env(settings.env, "INFISICAL_WEBHOOK_SECRET"),
        .infisical = infisical,
        .auto_redeploy = auto_redeploy_policy_from_environment(settings.env),
        .refusals_per_second = settings.refusals_per_second,
    };
}

// NOTIFY_* and PUBLIC_URL (notifications), STATUS_PAGE and STATUS_ALLOWED_CIDRS (status page).
bool read_outcome_settings(const environment& env, notify::notifier_options& notify,
                           notify::commit_status_options& statuses,
                           status::status_options& page) {
    try {
        notify = notify::notifier_options_from_environment(env);
        statuses = notify::commit_status_options_from_environment(env, notify);
        page = status::status_options_from_environment(env);
        return true;
    } catch (const std::invalid_argument& e) {
        spdlog::critical("{}", e.what());
        return false;
    }
}

// The server's limits, and the allow-lists the routes of `table` name. Nullopt, with the reason
// logged, when a value cannot be used.
std::optional<server_options> http_settings(const agent_settings& settings,
                                            const route_table& table) {
    server_options options;
    options.address = settings.listen_address;
    options.port = settings.port;
    options.metrics = &metrics::process_metrics();
    try {
        options = server_options_from_environment(options, settings.env, table);
    } catch (const std::invalid_argument& e) {
        spdlog::critical("{}", e.what());
        return std::nullopt;
    }
    if (!options.trusted_proxies.empty()) {
        spdlog::info("trusted proxies (CF-Connecting-IP / X-Forwarded-For believed): {}",
                     options.trusted_proxies.describe());
    }
    for (const auto& list : options.access_lists) {
        // The routes this list decides for: those that name no more specific list configured.
        const auto paths = table.paths_where([&](const route_limits& limits) {
            const access_list* deciding = find_access_list(options.access_lists, limits.access);
            return deciding != nullptr && deciding->name == list.name;
        });
        spdlog::info("{}: only {} may call {}", list.name, list.allowed.describe(),
                     fmt::format("{}", fmt::join(paths, ", ")));
    }
    return options;
}

// Says how secrets will be read (never a credential).
void log_secrets_setup(const infisical_settings& config) {
    if (!config.has_credentials()) {
        spdlog::info("Infisical credentials not set: apps with secrets.infisical cannot deploy");
        return;
    }
    spdlog::info("Infisical at {} ({}); cache entries kept {} min{}", config.api_url,
                 config.client_id.empty() ? "service token" : "universal auth",
                 std::chrono::duration<double, std::ratio<60>>(config.cache_max_age).count(),
                 config.ca_file.empty() ? "" : "; extra CAs from " + config.ca_file);
}

// The redeploys a secrets poll found are accepted like a webhook's: the jobs the planner
// planned for the poll, those whose secrets changed.
net::awaitable<void> queue_secret_redeploys(acceptor* accept, manifest_holder* manifests,
                                            std::vector<planned_job> planned,
                                            std::vector<std::string> changed) {
    try {
        accept_decision decision =
            decide_secret_redeploy(*manifests->current(), std::move(planned), changed);
        if (decision.what != accept_decision::kind::accept) {
            co_return;
        }
        delivery_record poll{"", "infisical", "poll", "", "secrets changed", 0};
        co_await accept->accept(std::move(poll), std::move(decision.jobs));
    } catch (const std::exception& e) {
        spdlog::error("could not queue the redeploys the secrets poll found: {}", e.what());
    }
}

// Serves until SIGINT or SIGTERM, then lets a running deploy reach a safe point (the switch
// finished or rolled back) within STOP_GRACE_SECONDS; queued deploys stay queued.
void run_until_stopped(net::io_context& io, http_server& server, deploy_executor& runner,
                       deploy_queue& queue, const environment& env) {
    net::signal_set stop_signals(io, SIGINT, SIGTERM);
    stop_signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (!ec) {
            spdlog::info("signal {} received: stopping", signal);
            server.stop();
            runner.request_stop();
            net::co_spawn(
                io,
                stop_at_safe_point([&queue] { return queue.running_apps(); },
                                   stop_grace_from_environment(env), [&io] { io.stop(); }),
                net::detached);
        }
    });
    io.run();
}

}  // namespace

int run_serve(const agent_settings& settings) {
    std::unique_ptr<manifest_holder> manifests = load_valid_manifest(settings.manifest_path);
    // One owner per DATA_DIR: a `deploy-agent deploy` meanwhile is refused.
    auto owner = manifests ? acquire_or_explain(settings.data_dir, "serve") : std::nullopt;
    std::unique_ptr<store> db = owner ? open_history(settings) : nullptr;
    notify::notifier_options notify_options;
    notify::commit_status_options commit_status_options;
    status::status_options status_options;
    if (!db || !read_outcome_settings(settings.env, notify_options, commit_status_options,
                                      status_options)) {
        return 1;
    }
    group_committer committer(*db);
    net::io_context io;
    auto docker_options = engine_options_from(settings.env);
    docker_options.on_failure = [](std::string_view kind) {
        metrics::process_metrics().engine_errors.increment({std::string(kind)});
    };
    auto docker = docker_client::make_client(io.get_executor(), docker_options);
    notify::notifier announcer(
        io.get_executor(), committer,
        notify::make_http_transport(io.get_executor(), notify_options.ca_file,
                                    notify_options.system_ca),
        [&manifests] { return manifests->current(); }, notify_options);
    // A forge push's deployment is posted back to the forge as a commit status.
    notify::commit_status_reporter statuses(
        io.get_executor(),
        notify::make_http_transport(io.get_executor(), notify_options.ca_file,
                                    notify_options.system_ca),
        [&manifests] { return manifests->current(); }, commit_status_options);
    // Each deployment that ends is announced with its record, once that record is durable.
    store_journal store_records(committer, io.get_executor(),
                                [&announcer, &statuses](const deployment_record& ended) {
                                    announcer.deployment_finished(ended);
                                    statuses.deployment_finished(ended);
                                });
    counting_journal journal(store_records, metrics::process_metrics());
    steady_clock_source clock;
    std::unique_ptr<secrets_service> secrets;
    infisical_settings infisical_config;
    try {
        infisical_config = infisical_settings_from_environment(settings.env);
        secrets = make_secrets_service(io.get_executor(), infisical_config, *docker, clock,
                                       settings.data_dir);
        log_secrets_setup(infisical_config);
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return 1;
    }
    deploy_executor runner(*docker, journal, secrets.get(), deploy_settings_of(settings));
    deploy_queue queue(
        io.get_executor(),
        [&runner, &statuses](app_spec app, deploy_job job) {
            statuses.deployment_started(job.id, job.plan);
            return runner.run(std::move(app), std::move(job));
        },
        journal, [&manifests] { return manifests->current(); }, clock,
        queue_options{.debounce = std::chrono::milliseconds(settings.debounce_ms),
                      .max_concurrent_apps = settings.max_concurrent_deploys});
    queue.on_waiting_changed([](std::size_t waiting) {
        metrics::process_metrics().queue_depth.set(static_cast<std::int64_t>(waiting));
    });

    std::optional<accepted_deliveries> accepted = accepted_before(*db, settings);
    if (!accepted) {
        return 1;
    }
    acceptor accept(committer, *db, queue, std::move(*accepted));
    webhook_settings webhooks_setup = read_webhook_settings(settings);
    readiness_options readyz_setup;
    try {
        readyz_setup = readiness_options_from_environment(settings.env);
    } catch (const std::invalid_argument& e) {
        spdlog::critical("{}", e.what());
        return 1;
    }
    const readiness ready(*manifests,
                          [&docker, &manifests] { return engine_and_swarm_answer(*docker, *manifests); },
                          settings.data_dir, db->path(), std::move(readyz_setup));
    warn_about_secrets(webhooks_setup.secrets, webhooks_setup.infisical_secret,
                       webhooks_setup.github.allow_unsigned);
    // One budget for every line a client can cause, whether the server or a route logs it.
    auto client_lines = std::make_shared<client_log_budget>(
        "client errors", settings.refusals_per_second,
        std::min<std::size_t>(settings.refusals_per_second, client_log_budget::default_per_client));
    api_services api_setup{.manifests = *manifests,
                           .db = *db,
                           .accept = accept,
                           .docker = *docker,
                           .jwt_secret = std::nullopt,
                           .log_budget = client_lines};
    if (!read_api_settings(settings.env, *manifests->current(), api_setup)) {
        return 1;
    }
    std::optional<status::status_routes> status_page;
    if (status_options.enabled) {
        status_page.emplace(status::status_services{*manifests, *db, *docker, accept,
                                                    api_setup.jwt_secret, api_setup.token_max_ttl,
                                                    client_lines},
                            status_options);
        spdlog::info("status page at / (STATUS_PAGE=true){}",
                     status_options.allowed.empty()
                         ? ""
                         : "; only " + status_options.allowed.describe() + " may see it");
    }
    api_routes api(std::move(api_setup));
    if (infisical_config.sync_interval.count() > 0 && secrets->configured()) {
        secret_redeploy_sink sink = [&accept, &manifests](std::vector<planned_job> planned,
                                                          std::vector<std::string> changed) {
            return queue_secret_redeploys(&accept, manifests.get(), std::move(planned),
                                          std::move(changed));
        };
        net::co_spawn(
            io,
            poll_secrets_periodically(*secrets, *manifests, webhooks_setup.auto_redeploy,
                                      infisical_config.sync_interval, clock, std::move(sink)),
            net::detached);
    }
    webhooks_setup.log_budget = client_lines;
    webhook_endpoints webhooks(webhook_services{*manifests, accept, secrets.get()},
                               std::move(webhooks_setup));
    // The route table (ARCHITECTURE.md "HTTP endpoints"), each route with its limits: the
    // transport knows none of them.
    route_table table =
        serve_routes(serve_endpoints{webhooks, ready, api, status_page ? &*status_page : nullptr});
    auto http_options = http_settings(settings, table);
    if (!http_options) {
        return 1;
    }
    http_options->log_budget = client_lines;
    http_server server(io.get_executor(), *http_options, router(std::move(table), client_lines));
    unsigned short port = 0;
    try {
        port = server.listen();
    } catch (const std::exception& e) {
        spdlog::critical("{}: is another process using the port? Set PORT or --listen", e.what());
        return 1;
    }
    spdlog::info("deploy-agent {} listening on http://{}:{} (manifest {}: {} app(s); history {})",
                 DA_VERSION, settings.listen_address, port, settings.manifest_path,
                 manifests->current()->apps.size(), db->path());
    // Before any new work, and before recover(); each one is announced like any outcome.
    for (const auto& ended :
         recover_interrupted_recreates_now(*db, *db, engine_options_from(settings.env))) {
        announcer.deployment_finished(ended);
        statuses.deployment_finished(ended);
    }
    recover(*db, *db, queue);
    net::co_spawn(io, prune_periodically(committer), net::detached);
    net::co_spawn(io, server.run(), net::detached);
    net::co_spawn(io, watch_manifest(*manifests, std::chrono::seconds(2)), net::detached);
    net::co_spawn(io, report_engine(*docker, docker_options.host), net::detached);
    // Start-up (the manifest's parse, the store's migrations, recovery) leaves freed blocks that
    // glibc keeps below the top of its heap; the idle agent gives them back (about 0.35 MB).
    net::post(io, [] { malloc_trim(0); });
    run_until_stopped(io, server, runner, queue, settings.env);
    committer.stop();
    spdlog::info("stopped");
    return 0;
}

}  // namespace agent
