#include "http/api_routes.hpp"

#include <chrono>
#include <exception>
#include <stdexcept>

#include <fmt/format.h>

#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "intake/bearer_token.hpp"
#include "manifest/syntax.hpp"
#include "planner/planner.hpp"
#include "status/deployment_events.hpp"

namespace agent {

namespace {

http_response json_ok(unsigned status, std::string body) {
    return http_response{status, std::move(body), "application/json", {}};
}

http_response method_not_allowed(std::string_view allow) {
    auto r = json_error(405, "method not allowed");
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
}

// Outside callers learn whether a token was missing or expired (both common and harmless to
// say); every other refusal reads the same. The log says which.
http_response unauthorized(const token_check& check) {
    std::string_view reason = "invalid token";
    std::string challenge = R"(Bearer realm="deploy-agent", error="invalid_token")";
    if (check.problem == "missing bearer token") {
        reason = "missing bearer token";
        challenge = R"(Bearer realm="deploy-agent")";
    } else if (check.problem == "expired") {
        reason = "token expired";
    }
    auto r = json_error(401, reason);
    r.headers.emplace_back("WWW-Authenticate", std::move(challenge));
    return r;
}

// Untrusted path text in a log line: bounded, and only printable ASCII.
std::string printable(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 80)) {
        out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (text.size() > 80) {
        out += "...";
    }
    return out;
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
        if (path.empty()) {
            parts.emplace_back();  // a trailing slash names no endpoint
        }
    }
    return parts;
}

// "?force=1": absent, 0/false/no → false; 1/true/yes → true; anything else → nullopt (400).
std::optional<bool> parse_flag(const std::string& value) {
    if (value.empty() || value == "0" || value == "false" || value == "no") {
        return false;
    }
    if (value == "1" || value == "true" || value == "yes") {
        return true;
    }
    return std::nullopt;
}

// Digits only; values beyond the maximum are clamped to it, 0 and anything else is nullopt.
std::optional<std::size_t> parse_limit(const std::string& value) {
    if (value.empty()) {
        return default_deployment_list_limit;
    }
    std::size_t n = 0;
    for (char c : value) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        n = n * 10 + static_cast<std::size_t>(c - '0');
        if (n > max_deployment_list_limit) {
            n = max_deployment_list_limit + 1;  // saturate: no overflow on long inputs
        }
    }
    if (n == 0) {
        return std::nullopt;
    }
    return std::min(n, max_deployment_list_limit);
}

// A deployment id: 1 to 18 digits, not starting with 0.
std::optional<std::int64_t> parse_id(std::string_view text) {
    if (text.empty() || text.size() > 18 || text.front() == '0') {
        return std::nullopt;
    }
    std::int64_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        n = n * 10 + (c - '0');
    }
    return n;
}

void string_or_null(json_writer& w, std::string_view key, std::string_view value) {
    w.key(key);
    if (value.empty()) {
        w.null();
    } else {
        w.string(value);
    }
}

void time_or_null(json_writer& w, std::string_view key, std::int64_t unix_ms) {
    w.key(key);
    if (unix_ms <= 0) {
        w.null();
    } else {
        w.string(iso8601_utc(unix_ms));
    }
}

// The members of a deployment object, without its braces.
void write_deployment_members(json_writer& w, const deployment_record& d) {
    w.key("id").integer(d.id).key("app").string(d.app);
    w.key("state").string(to_string(d.state));
    string_or_null(w, "trigger", d.trigger);
    string_or_null(w, "commit", d.commit);
    string_or_null(w, "old_image", d.old_image);
    string_or_null(w, "new_image", d.new_image);
    time_or_null(w, "created_at", d.created_at_ms);
    time_or_null(w, "started_at", d.started_at_ms);
    time_or_null(w, "finished_at", d.finished_at_ms);
    string_or_null(w, "error", d.error);
}

// What an app's container (or Swarm service) looks like right now.
struct live_state {
    std::string state;  ///< running | exited | created | paused | … | missing | unknown
    std::string image;  ///< the reference it runs, empty when unknown
};

net::awaitable<live_state> inspect_app(docker_client::docker_api& docker, const app_spec& app) {
    live_state live;
    try {
        if (app.service) {
            auto service = co_await docker.inspect_service(*app.service);
            if (!service) {
                live.state = "missing";
            } else {
                const std::string& update = service->update_status.state;
                live.state = (update.empty() || update == "completed") ? "running" : update;
                live.image = service->image;
            }
        } else {
            auto info = co_await docker.inspect_container(app.container);
            if (!info) {
                live.state = "missing";
            } else {
                live.state = !info->state.status.empty() ? info->state.status
                             : info->state.running       ? "running"
                                                         : "exited";
                live.image = info->image;
            }
        }
    } catch (const std::exception& e) {
        spdlog::warn("api: cannot inspect {} of app {}: {}",
                     app.service ? "service " + *app.service : "container " + app.container,
                     app.name, e.what());
        live.state = "unknown";
    }
    co_return live;
}

}  // namespace

std::string iso8601_utc(std::int64_t unix_ms) {
    using namespace std::chrono;
    const sys_time<milliseconds> t{milliseconds{unix_ms}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> hms{t - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                       hms.subseconds().count());
}

std::string deployment_json(const deployment_record& d) {
    json_writer w;
    w.begin_object();
    write_deployment_members(w, d);
    w.end_object();
    return w.take();
}

api_routes::api_routes(api_services services) : s_(std::move(services)) {}

boost::asio::awaitable<http_response> api_routes::handle(const http_request& request) {
    const std::string path = printable(request.path());
    const std::string method = printable(request.method);
    http_response response;
    try {
        if (!s_.jwt_secret || s_.jwt_secret->empty()) {
            spdlog::warn("{} {} {} 503 api: JWT_SECRET is not set, the API is disabled",
                         request.peer, method, path);
            co_return json_error(503, "API not configured: set JWT_SECRET");
        }
        const std::string* authorization = request.header("Authorization");
        token_check check = verify_token(authorization ? std::string_view(*authorization) : "",
                                         *s_.jwt_secret, std::chrono::system_clock::now());
        if (!check.ok) {
            spdlog::warn("{} {} {} 401 api token refused: {}: {}", request.peer, method, path,
                         check.problem, check.detail);
            co_return unauthorized(check);
        }
        response = co_await route(request, check.subject);
    } catch (const store_error& e) {
        spdlog::error("{} {} {} 503 api: store: {}", request.peer, method, path, e.what());
        response = json_error(503, "deployment history unavailable");
    } catch (const std::exception& e) {
        spdlog::error("{} {} {} 500 api: {}", request.peer, method, path, e.what());
        response = json_error(500, "internal error");
    }
    co_return response;
}

boost::asio::awaitable<http_response> api_routes::route(const http_request& request,
                                                        const std::string& subject) {
    const std::string_view full_path = request.path();
    const std::string path = printable(full_path);
    const std::string& method = request.method;
    std::vector<std::string_view> parts;
    if (full_path.starts_with("/api/")) {
        parts = split_path(full_path.substr(5));
    }
    auto answer = [&](http_response r, std::string_view note) {
        if (r.status >= 400) {
            spdlog::info("{} {} {} {} api (sub \"{}\"): {}", request.peer, printable(method), path,
                         r.status, subject, note);
        } else {
            spdlog::info("{} {} {} {} api (sub \"{}\")", request.peer, printable(method), path,
                         r.status, subject);
        }
        return r;
    };

    if (parts.size() == 1 && parts[0] == "apps") {
        if (method != "GET") {
            co_return answer(method_not_allowed("GET"), "method not allowed");
        }
        http_response apps = co_await list_apps(request);
        co_return answer(std::move(apps), "");
    }
    if (parts.size() == 3 && parts[0] == "apps" && parts[2] == "deploy") {
        if (method != "POST") {
            co_return answer(method_not_allowed("POST"), "method not allowed");
        }
        if (!is_valid_app_name(parts[1])) {
            co_return answer(json_error(400, "invalid app name"), "invalid app name");
        }
        // deploy() writes its own log line: it names the deployment it queued.
        http_response queued = co_await deploy(request, std::string(parts[1]), subject);
        co_return queued;
    }
    if (parts.size() == 1 && parts[0] == "deployments") {
        if (method != "GET") {
            co_return answer(method_not_allowed("GET"), "method not allowed");
        }
        http_response listed = list_deployments(request);
        co_return answer(std::move(listed), "invalid app or limit");
    }
    if (parts.size() == 2 && parts[0] == "deployments") {
        if (method != "GET") {
            co_return answer(method_not_allowed("GET"), "method not allowed");
        }
        http_response shown = show_deployment(request, parts[1]);
        const bool bad_id = shown.status == 400;
        co_return answer(std::move(shown), bad_id ? "invalid deployment id" : "no such deployment");
    }
    if (parts.size() == 3 && parts[0] == "deployments" && parts[2] == "events") {
        if (method != "GET") {
            co_return answer(method_not_allowed("GET"), "method not allowed");
        }
        co_return answer(status::deployment_events(s_.db, parts[1]), "no event stream");
    }
    co_return answer(json_error(404, "not found"), "no such endpoint");
}

boost::asio::awaitable<http_response> api_routes::list_apps(const http_request&) {
    // The snapshot stays alive across the inspections below, whatever a reload does meanwhile.
    std::shared_ptr<const manifest> m = s_.manifests.current();
    json_writer w;
    w.begin_object().key("apps").begin_array();
    for (const app_spec& app : m->apps) {
        live_state live = co_await inspect_app(s_.docker, app);
        w.begin_object().key("name").string(app.name);
        string_or_null(w, "container", app.service ? std::string_view{} : app.container);
        string_or_null(w, "image", live.image);
        w.key("state").string(live.state);
        w.key("last_deployment");
        if (auto last = s_.db.last_deployment(app.name)) {
            w.begin_object();
            write_deployment_members(w, *last);
            w.end_object();
        } else {
            w.null();
        }
        w.end_object();
    }
    w.end_array().end_object();
    co_return json_ok(200, w.take());
}

boost::asio::awaitable<http_response> api_routes::deploy(const http_request& request,
                                                         const std::string& app,
                                                         const std::string& subject) {
    const std::string path = printable(request.path());
    auto force = parse_flag(request.query_param("force"));
    if (!force) {
        spdlog::info("{} POST {} 400 api (sub \"{}\"): force is not 0 or 1", request.peer, path,
                     subject);
        co_return json_error(400, "force must be 0 or 1");
    }
    std::shared_ptr<const manifest> m = s_.manifests.current();
    manual_request asked{app, *force, subject.empty() ? "api" : subject};
    std::optional<planned_job> job = plan_manual(*m, asked);
    if (!job) {
        spdlog::info("{} POST {} 404 api (sub \"{}\"): app {} is not in the manifest", request.peer,
                     path, subject, app);
        co_return json_error(404, "unknown app");
    }
    // Whatever the token's subject says, a call through the API is an API deploy.
    job->trigger = "api";
    // Named arguments: g++ 12 miscompiles string literals inside a co_await expression.
    std::string source = "api";
    std::string event = "deploy";
    std::vector<planned_job> jobs{*job};
    std::vector<std::int64_t> ids =
        co_await s_.record(std::move(source), std::move(event), std::string{}, std::move(jobs));
    if (ids.size() != 1) {
        throw std::runtime_error(fmt::format("record gave {} ids for one job", ids.size()));
    }
    s_.queue.submit(deploy_job{ids[0], *job});
    spdlog::info("{} POST {} 202 api (sub \"{}\"): queued deployment {} of {}{}", request.peer,
                 path, subject, ids[0], app, job->force ? " (force)" : "");
    json_writer w;
    w.begin_object().key("success").boolean(true).key("deployment").begin_object();
    w.key("id").integer(ids[0]).key("app").string(app).end_object().end_object();
    co_return json_ok(202, w.take());
}

http_response api_routes::list_deployments(const http_request& request) {
    std::string app = request.query_param("app");
    if (!app.empty() && !is_valid_app_name(app)) {
        return json_error(400, "invalid app name");
    }
    auto limit = parse_limit(request.query_param("limit"));
    if (!limit) {
        return json_error(400, "limit must be a whole number from 1 to 500");
    }
    auto rows = s_.db.list_deployments(app.empty() ? std::nullopt : std::optional(app), *limit);
    json_writer w;
    w.begin_object().key("deployments").begin_array();
    for (const auto& d : rows) {
        w.begin_object();
        write_deployment_members(w, d);
        w.end_object();
    }
    w.end_array().end_object();
    return json_ok(200, w.take());
}

http_response api_routes::show_deployment(const http_request&, std::string_view id_text) {
    auto id = parse_id(id_text);
    if (!id) {
        return json_error(400, "invalid deployment id");
    }
    auto d = s_.db.get_deployment(*id);
    if (!d) {
        return json_error(404, "deployment not found");
    }
    json_writer w;
    w.begin_object();
    write_deployment_members(w, *d);
    w.key("steps").begin_array();
    for (const auto& step : s_.db.steps(*id)) {
        w.begin_object().key("at");
        if (step.at_ms > 0) {
            w.string(iso8601_utc(step.at_ms));
        } else {
            w.null();
        }
        w.key("message").string(step.message).end_object();
    }
    w.end_array().end_object();
    return json_ok(200, w.take());
}

}  // namespace agent
