#include "status/status_routes.hpp"

#include <cstdlib>
#include <stdexcept>

#include <boost/asio/this_coro.hpp>

#include "common/escape.hpp"
#include "common/log.hpp"
#include "api/bearer_token.hpp"
#include "intake/signature.hpp"
#include "status/pages.hpp"
#include "status/responses.hpp"

namespace agent::status {

namespace {

constexpr std::string_view cookie_name = "da_session";

std::string session_cookie(std::string_view value, std::chrono::seconds max_age, bool secure) {
    return std::string(cookie_name) + "=" + std::string(value) +
           "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age.count()) +
           (secure ? "; Secure" : "");
}

}  // namespace

status_options status_options_from_environment(const environment& env) {
    status_options o;
    if (const char* v = env.get("STATUS_PAGE")) {
        std::string_view t(v);
        o.enabled = t == "1" || iequals(t, "true") || iequals(t, "yes") || iequals(t, "on");
    }
    if (const char* v = env.get("STATUS_ALLOWED_CIDRS"); v != nullptr && *v != '\0') {
        try {
            o.allowed = cidr_list::parse(v);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("STATUS_ALLOWED_CIDRS: ") + e.what());
        }
    }
    if (const char* v = env.get("PUBLIC_URL")) {
        const std::string_view url(v);
        o.secure_cookie = url.starts_with("https://");
        if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
            const auto end = url.find_first_of("/?#", scheme + 3);
            o.public_origin = to_lower_ascii(url.substr(0, end));
        }
    }
    return o;
}

bool status_routes::same_origin(const http_request& request) const {
    const std::string* origin = request.header("Origin");
    if (origin == nullptr) {
        return true;  // older browsers and non-browser clients: the CSRF token still decides
    }
    const std::string sent = to_lower_ascii(*origin);
    if (!options_.public_origin.empty()) {
        return sent == options_.public_origin;
    }
    const std::string* host = request.header("Host");
    if (host == nullptr || host->empty()) {
        return false;
    }
    const std::string own = to_lower_ascii(*host);
    return sent == "http://" + own || sent == "https://" + own;
}

status_routes::status_routes(status_services services, status_options options)
    : s_(std::move(services)),
      options_(std::move(options)),
      sessions_(options_.max_sessions, options_.session_ttl),
      refusal_log_(s_.log_budget
                       ? std::make_shared<line_budget>("status page refusals", "status page",
                                                       s_.log_budget)
                       : std::make_shared<line_budget>("status page refusals", "status page",
                                                       client_log_budget::default_per_second)) {}

bool status_routes::owns(std::string_view path) {
    return path == "/" || path == "/login" || path == "/logout" || path == "/status.css" ||
           path == "/status.js" || path.starts_with("/deployments/") || path.starts_with("/apps/");
}

// The summary of held-back lines goes out on time, from line_budget's own coroutine.
bool status_routes::log_budget(const http_request& request, std::string_view code) {
    return refusal_log_->admit(executor_, request.client, code);
}

boost::asio::awaitable<http_response> status_routes::handle(const http_request& request) {
    if (!executor_) {
        executor_ = co_await boost::asio::this_coro::executor;
    }
    const std::string path = escape_untrusted(request.path());
    if (!options_.allowed.empty() && !options_.allowed.contains(request.client)) {
        if (log_budget(request, "source_not_allowed")) {
            spdlog::warn("{} {} {} 403 refused: source {} is not in STATUS_ALLOWED_CIDRS ({})",
                         request.client, escape_untrusted(request.method), path, request.client,
                         options_.allowed.describe());
        }
        co_return html_response(403, message_page({"forbidden"}, "Forbidden",
                                                  "This address may not see the status page."));
    }
    http_response response;
    try {
        response = co_await route(request);
    } catch (const std::exception& e) {
        spdlog::error("{} {} {} 500 status page: {}", request.client, escape_untrusted(request.method),
                      path, e.what());
        response = html_response(500, message_page({"error"}, "Something went wrong",
                                                    "The agent's log says what."));
    }
    spdlog::debug("{} {} {} {} status page", request.client, escape_untrusted(request.method), path,
                  response.status);
    co_return response;
}

boost::asio::awaitable<http_response> status_routes::route(const http_request& request) {
    const std::string_view path = request.path();
    const std::string& method = request.method;
    if (path == "/status.css" || path == "/status.js") {
        co_return asset(path == "/status.css" ? stylesheet() : local_time_script(),
                        path == "/status.css" ? "text/css; charset=utf-8"
                                              : "text/javascript; charset=utf-8");
    }
    if (method == "POST" && !same_origin(request)) {
        if (log_budget(request, "cross_origin")) {
            const std::string* origin = request.header("Origin");
            spdlog::warn("{} POST {} 403 status page: form sent from another origin ({}); nothing "
                         "done",
                         request.client, escape_untrusted(path),
                         escape_untrusted(origin != nullptr ? *origin : "", 100));
        }
        co_return html_response(403, message_page({"forbidden"}, "Forbidden",
                                                  "The form was not sent by this page "
                                                  "(another origin)."));
    }
    if (path == "/login") {
        if (method == "POST") {
            co_return login(request);
        }
        co_return html_response(200, login_page("", s_.jwt_secret.has_value()));
    }
    const std::string* cookies = request.header("Cookie");
    const std::string id = cookies ? cookie_value(*cookies, cookie_name) : std::string();
    const session* found = sessions_.find(id, std::chrono::system_clock::now());
    if (found == nullptr) {
        if (method == "GET" || method == "HEAD") {
            co_return redirect("/login");
        }
        co_return html_response(403, message_page({"forbidden"}, "Forbidden",
                                                  "Log in first: your session ended."));
    }
    // A copy: the session may end (log-out, eviction) while this request waits on the engine.
    const session copy = *found;
    const session* who = &copy;
    if (method == "POST") {
        const std::string csrf = form_value(request.body, "csrf");
        if (request.body.size() > max_form_bytes || !constant_time_equal(csrf, who->csrf)) {
            if (log_budget(request, "csrf")) {
                spdlog::warn("{} POST {} 403 status page: missing or wrong CSRF token (session "
                             "of \"{}\"); nothing done", request.client, escape_untrusted(path),
                             escape_untrusted(who->subject));
            }
            co_return html_response(403, message_page({"forbidden"}, "Forbidden",
                                                      "The form was not sent by this page "
                                                      "(missing or wrong CSRF token)."));
        }
        if (path == "/logout") {
            co_return logout(request, *who);
        }
        if (path.starts_with("/apps/") && path.ends_with("/deploy")) {
            std::string_view app = path.substr(6, path.size() - 6 - 7);
            http_response r = co_await redeploy(request, *who, app);
            co_return r;
        }
        co_return html_response(405, message_page(frame_for(*who, "error"), "Not allowed",
                                                  "This address takes no POST."));
    }
    if (method != "GET" && method != "HEAD") {
        co_return html_response(405, message_page(frame_for(*who, "error"), "Not allowed",
                                                  "Use GET."));
    }
    if (path == "/") {
        http_response r = co_await overview(*who);
        co_return r;
    }
    if (path.starts_with("/deployments/")) {
        co_return deployment(*who, path.substr(13));
    }
    co_return html_response(404, message_page(frame_for(*who, "not found"), "Not found",
                                              "No such page."));
}

http_response status_routes::login(const http_request& request) {
    if (!s_.jwt_secret || s_.jwt_secret->empty()) {
        return html_response(503, login_page("", false));
    }
    if (request.body.size() > max_form_bytes) {
        return html_response(413, login_page("The form is too large.", true));
    }
    const std::string token = form_value(request.body, "token");
    const auto now = std::chrono::system_clock::now();
    token_check check = verify_token("Bearer " + token, *s_.jwt_secret, now, s_.token_max_ttl);
    if (!check.ok) {
        if (log_budget(request, "login_refused")) {
            spdlog::warn("{} POST /login 401 status page login refused: {}: {}", request.client,
                         check.problem, check.detail);
        }
        return html_response(401, login_page("Token refused: " + check.problem + ".", true));
    }
    std::string id = sessions_.create(check.subject, now, check.expires_at);
    spdlog::info("{} POST /login 303 status page: session opened for \"{}\" ({} open)",
                 request.client, escape_untrusted(check.subject), sessions_.size());
    http_response r = redirect("/");
    r.headers.emplace_back("Set-Cookie", session_cookie(id, sessions_.ttl(), options_.secure_cookie));
    return r;
}

http_response status_routes::logout(const http_request& request, const session& who) {
    spdlog::info("{} POST /logout 303 status page: session of \"{}\" closed", request.client,
                 escape_untrusted(who.subject));
    const std::string* cookies = request.header("Cookie");
    sessions_.remove(cookies ? cookie_value(*cookies, cookie_name) : std::string());
    http_response r = redirect("/login");
    r.headers.emplace_back("Set-Cookie", session_cookie("", std::chrono::seconds(0),
                                                        options_.secure_cookie));
    return r;
}

}  // namespace agent::status
