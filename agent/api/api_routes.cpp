#include "api/api_routes.hpp"

#include <chrono>
#include <exception>

#include "accept/manual_deploy.hpp"
#include "api/api_query.hpp"
#include "api/app_state.hpp"
#include "api/bearer_token.hpp"
#include "api/deployment_events.hpp"
#include "api/deployment_json.hpp"
#include "common/escape.hpp"
#include "common/iso8601.hpp"
#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "deploy/dry_run.hpp"
#include "http/answer.hpp"
#include "http/line_budget.hpp"
#include "manifest/syntax.hpp"
#include "planner/planner.hpp"

namespace agent {

namespace {

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
    auto r = error_answer(outcome::unauthenticated, reason);
    r.headers.emplace_back("WWW-Authenticate", std::move(challenge));
    return r;
}

}  // namespace

api_routes::api_routes(api_services services)
    : s_(std::move(services)),
      refusals_(s_.log_budget ? std::make_shared<line_budget>("API refusals", "api", s_.log_budget)
                              : std::make_shared<line_budget>(
                                    "API refusals", "api", client_log_budget::default_per_second)) {}

boost::asio::awaitable<http_response> api_routes::handle(const http_request& request) {
    const std::string path = escape_untrusted(request.path());
    const std::string method = escape_untrusted(request.method);
    http_response response;
    try {
        // Anyone can send these by the thousand: their lines are budgeted (client_log_budget).
        if (!s_.jwt_secret || s_.jwt_secret->empty()) {
            std::string code = "503";
            if (co_await refusals_->admit(request.client, std::move(code))) {
                spdlog::warn("{} {} {} 503 api: JWT_SECRET is not set, the API is disabled",
                             request.peer, method, path);
            }
            co_return error_answer(outcome::unavailable, "API not configured: set JWT_SECRET");
        }
        const std::string* authorization = request.header("Authorization");
        token_check check = verify_token(authorization ? std::string_view(*authorization) : "",
                                         *s_.jwt_secret, std::chrono::system_clock::now(),
                                         s_.token_max_ttl);
        if (!check.ok) {
            std::string code = check.problem;
            if (co_await refusals_->admit(request.client, std::move(code))) {
                spdlog::warn("{} {} {} 401 api token refused: {}: {}", request.peer, method, path,
                             check.problem, check.detail);
            }
            co_return unauthorized(check);
        }
        // The subject is the token's own text: escaped before any log line shows it.
        const std::string subject = escape_untrusted(check.subject, 64);
        response = co_await route(request, subject, check.expires_at);
    } catch (const store_error& e) {
        spdlog::error("{} {} {} 503 api: store: {}", request.peer, method, path, e.what());
        response = error_answer(outcome::unavailable, "deployment history unavailable");
    } catch (const std::exception& e) {
        spdlog::error("{} {} {} 500 api: {}", request.peer, method, path, e.what());
        response = error_answer(outcome::failed, "internal error");
    }
    co_return response;
}

boost::asio::awaitable<http_response> api_routes::route(
    const http_request& request, const std::string& subject,
    std::optional<std::chrono::system_clock::time_point> token_expires_at) {
    const std::string_view full_path = request.path();
    const std::string path = escape_untrusted(full_path);
    const std::string& method = request.method;
    std::vector<std::string_view> parts;
    if (full_path.starts_with("/api/")) {
        parts = split_path(full_path.substr(5));
    }
    auto answer = [&](http_response r, std::string_view note) {
        if (r.status >= 400) {
            spdlog::info("{} {} {} {} api (sub \"{}\"): {}", request.peer, escape_untrusted(method), path,
                         r.status, subject, note);
        } else {
            spdlog::info("{} {} {} {} api (sub \"{}\")", request.peer, escape_untrusted(method), path,
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
            co_return answer(error_answer(outcome::malformed, "invalid app name"), "invalid app name");
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
        event_stream_limits limits;
        limits.token_expires_at = token_expires_at;
        co_return answer(deployment_events(s_.db, parts[1], limits), "no event stream");
    }
    co_return answer(error_answer(outcome::not_found, "not found"), "no such endpoint");
}

boost::asio::awaitable<http_response> api_routes::list_apps(const http_request&) {
    // The snapshot stays alive across the inspections, whatever a reload does meanwhile.
    std::vector<app_view> views = co_await app_views(s_.docker, s_.db, s_.manifests.current());
    json_writer w;
    w.begin_object().key("apps").begin_array();
    for (const app_view& app : views) {
        w.begin_object().key("name").string(app.name);
        string_or_null(w, "container", app.container);
        string_or_null(w, "image", app.live.image);
        w.key("state").string(app.live.state);
        w.key("last_deployment");
        if (app.last) {
            w.begin_object();
            write_deployment_members(w, *app.last);
            w.end_object();
        } else {
            w.null();
        }
        w.end_object();
    }
    w.end_array().end_object();
    co_return json_answer(outcome::done, w.take());
}

boost::asio::awaitable<http_response> api_routes::deploy(const http_request& request,
                                                         const std::string& app,
                                                         const std::string& subject) {
    const std::string path = escape_untrusted(request.path());
    auto force = parse_flag(request.query_param("force"));
    if (!force) {
        spdlog::info("{} POST {} 400 api (sub \"{}\"): force is not 0 or 1", request.peer, path,
                     subject);
        co_return error_answer(outcome::malformed, "force must be 0 or 1");
    }
    std::shared_ptr<const manifest> m = s_.manifests.current();
    manual_request asked{app, *force, subject.empty() ? "api" : subject};
    // Whatever the token's subject says, a call through the API is an API deploy.
    std::string source = "api";
    accept_decision decision = decide_manual_request(*m, asked, source);
    if (decision.what != accept_decision::kind::accept) {
        spdlog::info("{} POST {} 404 api (sub \"{}\"): app {} is not in the manifest", request.peer,
                     path, subject, app);
        co_return error_answer(outcome::not_found, "unknown app");
    }
    auto dry_run = parse_flag(request.query_param("dry_run"));
    if (!dry_run) {
        co_return error_answer(outcome::malformed, "dry_run must be 0 or 1");
    }
    if (*dry_run) {
        dry_run_result plan = co_await dry_run_answer(s_.docker, *m->find(app));
        co_return plan.result == outcome::done ? json_answer(plan.result, std::move(plan.body))
                                               : error_answer(plan.result, plan.body);
    }
    const bool forced = decision.jobs.at(0).force;
    const std::int64_t id =
        co_await queue_manual_deploy(s_.accept, std::move(decision), std::move(source));
    spdlog::info("{} POST {} 202 api (sub \"{}\"): queued deployment {} of {}{}", request.peer,
                 path, subject, id, app, forced ? " (force)" : "");
    json_writer w;
    w.begin_object().key("success").boolean(true).key("deployment").begin_object();
    w.key("id").integer(id).key("app").string(app).end_object().end_object();
    co_return json_answer(outcome::queued, w.take());
}

http_response api_routes::list_deployments(const http_request& request) {
    std::string app = request.query_param("app");
    if (!app.empty() && !is_valid_app_name(app)) {
        return error_answer(outcome::malformed, "invalid app name");
    }
    auto limit = parse_limit(request.query_param("limit"));
    if (!limit) {
        return error_answer(outcome::malformed, "limit must be a whole number from 1 to 500");
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
    return json_answer(outcome::done, w.take());
}

http_response api_routes::show_deployment(const http_request&, std::string_view id_text) {
    auto id = parse_id(id_text);
    if (!id) {
        return error_answer(outcome::malformed, "invalid deployment id");
    }
    auto d = s_.db.get_deployment(*id);
    if (!d) {
        return error_answer(outcome::not_found, "deployment not found");
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
    return json_answer(outcome::done, w.take());
}

}  // namespace agent
