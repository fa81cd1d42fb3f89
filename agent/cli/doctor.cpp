#include "cli/doctor.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/doctor_report.hpp"
#include "engine/app_identity.hpp"
#include "deploy/swarm_step.hpp"
#include "docker_client/client.hpp"
#include "docker_client/error.hpp"

namespace agent {

namespace doctor {

void report::line(std::string_view tag, std::string_view subject, std::string_view detail,
                  std::string_view fix) {
    out_ << fmt::format("{:<5} {}: {}\n", tag, subject, detail);
    if (!fix.empty()) {
        out_ << fmt::format("      fix: {}\n", fix);
    }
}

void report::ok(std::string_view subject, std::string_view detail) {
    line("ok", subject, detail, {});
}

void report::warn(std::string_view subject, std::string_view detail, std::string_view fix) {
    line("warn", subject, detail, fix);
}

void report::fail(std::string_view subject, std::string_view detail, std::string_view fix) {
    ++failures_;
    line("FAIL", subject, detail, fix);
}

}  // namespace doctor

namespace {

namespace net = boost::asio;
using docker_client::docker_api;

// Names that look like `wanted`: compose calls containers <project>-<service>-<n> (or with '_')
// unless container_name is set, and case is easy to get wrong.
std::string similar_names(const std::vector<docker_client::container_summary>& all,
                          const std::string& wanted) {
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    };
    std::vector<std::string> found;
    for (const auto& c : all) {
        for (const auto& n : c.names) {
            if (lower(n).find(lower(wanted)) != std::string::npos && found.size() < 5) {
                found.push_back(n);
            }
        }
    }
    return found.empty() ? "" : fmt::format("; similar names: {}", fmt::join(found, ", "));
}

// The registry part of an image reference ("registry.example.com:5000/web:1"), or "" for
// Docker Hub.
std::string registry_of(const std::string& image) {
    const auto slash = image.find('/');
    if (slash == std::string::npos) {
        return "";
    }
    const std::string first = image.substr(0, slash);
    return first.find_first_of(".:") != std::string::npos || first == "localhost" ? first : "";
}

net::awaitable<void> check_container(doctor::report& r, docker_api& docker, const app_spec& app) {
    const std::string subject = fmt::format("app {} container", app.name);
    auto info = co_await docker.inspect_container(app.container);
    if (info && info->name == app.container) {
        r.ok(subject, fmt::format("{} exists ({}, image {})", app.container, info->state.status,
                                  info->image));
        co_return;
    }
    if (info) {
        r.fail(subject, fmt::format("'{}' matched container {} by its id, not by name",
                                    app.container, info->name),
               "write the container's exact name in the manifest (docker ps --format '{{.Names}}')");
        co_return;
    }
    docker_client::container_list_options every;
    every.all = true;
    auto all = co_await docker.list_containers(every);
    r.fail(subject, fmt::format("no container is named {}{}", app.container,
                                similar_names(all, app.container)),
           "create the app first (docker compose up -d), and give the manifest its exact name "
           "(set container_name in compose.yaml, or `container:` in the manifest)");
}

net::awaitable<void> check_service(doctor::report& r, docker_api& docker, const app_spec& app) {
    const std::string subject = fmt::format("app {} service", app.name);
    auto service = co_await docker.inspect_service(*app.service);
    if (!service) {
        r.fail(subject, fmt::format("no Swarm service is named {}", *app.service),
               "the agent must talk to a swarm manager; deploy the stack first (docker stack "
               "deploy) and use the service's full name (<stack>_<service>)");
        co_return;
    }
    if (app.strategy == deploy_strategy::restart) {
        r.ok(subject, fmt::format("{} exists; restart forces an update of its tasks", *app.service));
        co_return;
    }
    r.ok(subject, fmt::format("{} exists (image {})", *app.service, service->image));
}

// A real login: the engine asks the registry for the image's manifest with these credentials.
net::awaitable<void> check_registry(doctor::report& r, docker_api& docker, const app_spec& app,
                                    environment env) {
    const std::string subject = fmt::format("app {} registry", app.name);
    std::optional<docker_client::registry_auth> auth;
    try {
        auth = registry_credentials(app, env);
    } catch (const std::runtime_error&) {
        r.fail(subject, fmt::format("{} or {} is not set", app.registry_auth->username_env,
                                    app.registry_auth->password_env),
               "set both variables (the registry user and a token with pull access)");
        co_return;
    }
    if (auth) {
        auth->server_address = registry_of(app.image);
    }
    try {
        auto d = co_await docker.distribution_inspect(app.image, auth);
        r.ok(subject, fmt::format("the registry has {} ({}){}", app.image, d.digest,
                                  auth ? ", logged in as " + auth->username : ""));
    } catch (const docker_client::error& e) {
        r.fail(subject, fmt::format("the engine could not fetch {} from its registry: {}",
                                    app.image, e.what()),
               auth ? "check the credentials (a token with pull access) and the image name"
                    : "check the image name; a private registry needs registry_auth in the "
                      "manifest");
    }
}

net::awaitable<void> check_app(doctor::report& r, docker_api& docker, const app_spec& app,
                               environment env) {
    try {
        if (app.service) {
            co_await check_service(r, docker, app);
        } else {
            co_await check_container(r, docker, app);
        }
        if (app.strategy == deploy_strategy::pull) {
            co_await check_registry(r, docker, app, env);
        }
    } catch (const std::exception& e) {
        r.fail(fmt::format("app {}", app.name), e.what(), "see the engine's message");
    }
}

// The engine's Swarm role: needed only when an app is a Swarm service.
net::awaitable<void> check_swarm(doctor::report& r, docker_api& docker, const manifest& m) {
    const bool services = std::any_of(m.apps.begin(), m.apps.end(),
                                      [](const app_spec& a) { return a.service.has_value(); });
    if (!services) {
        r.ok("swarm", "not needed: no app is a Swarm service");
        co_return;
    }
    swarm_readiness role = co_await swarm_role(docker);
    if (role.manager) {
        r.ok("swarm", role.text);
        co_return;
    }
    r.fail("swarm", role.text,
           "an app in the manifest is a Swarm service: run the agent against a manager");
}

net::awaitable<void> check_engine(doctor::report& r, docker_api& docker, const manifest* m,
                                  environment env) {
    try {
        auto v = co_await docker.ping();
        r.ok("engine", fmt::format("Docker Engine {}, API {} (daemon {}, minimum {}; this agent "
                                   "speaks {} to {})",
                                   v.engine_version, v.api_version, v.daemon_api_version,
                                   v.min_api_version.empty() ? "?" : v.min_api_version,
                                   docker_client::oldest_api_version,
                                   docker_client::newest_api_version));
    } catch (const std::exception& e) {
        r.fail("engine", e.what(),
               "the engine must run and answer on the socket (docker version on the host)");
        co_return;
    }
    if (m == nullptr) {
        co_return;
    }
    co_await check_swarm(r, docker, *m);
    for (const auto& app : m->apps) {
        co_await check_app(r, docker, app, env);
    }
}

std::optional<manifest> check_manifest(doctor::report& r, const std::string& path) {
    try {
        manifest m = load_manifest(path);
        r.ok("manifest", fmt::format("{}: {} app(s)", path, m.apps.size()));
        return m;
    } catch (const manifest_error& e) {
        for (const auto& p : e.problems()) {
            r.fail("manifest", p, "");
        }
        r.fail("manifest", "not valid", "fix the lines above (deploy-agent validate checks it)");
    }
    return std::nullopt;
}

}  // namespace

int run_doctor(const agent_settings& settings, std::ostream& out, const std::string& topic) {
    doctor::report r(out);
    if (topic == "infisical") {
        if (const std::optional<manifest> m = check_manifest(r, settings.manifest_path)) {
            doctor::check_infisical(r, *m, settings.env);
        }
        out << (r.failures() == 0 ? "doctor infisical: everything checked is in order\n"
                                  : fmt::format("doctor infisical: {} problem(s) to fix\n",
                                                r.failures()));
        return r.failures() == 0 ? 0 : 1;
    }
    const auto options = engine_options_from(settings.env);
    bool engine_reachable = true;
    if (options.host.starts_with("unix://")) {
        engine_reachable = doctor::check_socket(r, options.host.substr(7));
    } else {
        r.ok("socket", fmt::format("none: the engine is at {}", options.host));
    }
    const std::optional<manifest> m = check_manifest(r, settings.manifest_path);
    if (engine_reachable) {
        net::io_context io;
        auto docker = docker_client::make_client(io.get_executor(), options);
        auto done = net::co_spawn(io, check_engine(r, *docker, m ? &*m : nullptr, settings.env),
                                  net::use_future);
        io.run();
        done.get();
    }
    if (m) {
        doctor::check_build_contexts(r, *m, settings.env);
        doctor::check_secrets(r, *m, settings.env);
        doctor::check_infisical(r, *m, settings.env);
    }
    out << (r.failures() == 0 ? "doctor: everything checked is in order\n"
                              : fmt::format("doctor: {} problem(s) to fix\n", r.failures()));
    return r.failures() == 0 ? 0 : 1;
}

}  // namespace agent
