#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "accept/manual_deploy.hpp"
#include "common/environment.hpp"
#include "deploy/deploy_engine.hpp"
#include "deploy/deploy_queue.hpp"
#include "http/access.hpp"
#include "http/client_log_budget.hpp"
#include "http/line_budget.hpp"
#include "http/message.hpp"
#include "manifest/manifest_holder.hpp"
#include "status/sessions.hpp"
#include "store/history_reader.hpp"

namespace agent::status {

/// STATUS_PAGE and what goes with it (docs/status-page.md).
struct status_options {
    bool enabled = false;  ///< STATUS_PAGE=true
    /// STATUS_ALLOWED_CIDRS: source networks allowed to see the page (403 otherwise); empty:
    /// any source.
    cidr_list allowed;
    /// The session cookie gets `Secure` (PUBLIC_URL starts with https://).
    bool secure_cookie = false;
    /// PUBLIC_URL's origin ("https://deploy.example.com"), lower case; empty when unset: a POST's
    /// Origin must then name the request's own Host.
    std::string public_origin;
    std::size_t max_sessions = 64;
    std::chrono::seconds session_ttl{std::chrono::hours(12)};
};

/// Reads STATUS_PAGE, STATUS_ALLOWED_CIDRS and PUBLIC_URL in `env`. Throws
/// std::invalid_argument "NAME: why" for a malformed value.
status_options status_options_from_environment(const environment& env);

/// What the page needs from the rest of the agent. References must outlive the routes.
struct status_services {
    manifest_holder& manifests;
    history_reader& db;
    deploy_engine docker;  ///< the app views
    /// Records and queues a manual deploy.
    acceptor& accept;
    /// JWT_SECRET: the login takes a bearer token signed with it; none: nobody can log in.
    std::optional<std::string> jwt_secret;
    /// TOKEN_MAX_TTL: the longest lifetime a token may claim (as for /api).
    std::chrono::seconds token_max_ttl{std::chrono::hours(24 * 30)};
    /// The budget of every line a client can cause (shared with the server and the other
    /// routes); null: one of the page's own.
    std::shared_ptr<client_log_budget> log_budget = nullptr;
};

/// The status page: server-rendered HTML behind a session cookie.
///   GET  /login, POST /login (form: token)   the token is checked once (verify_token); a
///                                            session cookie (HttpOnly, SameSite=Strict) follows
///   POST /logout (form: csrf)
///   GET  /                                   apps, last deployments, recent deliveries that
///                                            deployed nothing (refused, ignored)
///   GET  /deployments/{id}                   one deployment and its step log; refreshes every
///                                            second while queued or running
///   POST /apps/{app}/deploy (form: csrf, force)  queues a deploy like POST /api/apps/{app}/deploy
///   GET  /status.css, /status.js
/// Without a session a page answers 303 to /login and a POST 403. A POST without the session's
/// CSRF token is 403 and changes nothing.
class status_routes {
public:
    status_routes(status_services services, status_options options);

    /// Whether `path` is one of the page's (the router hands those here).
    static bool owns(std::string_view path);

    /// Answers one request for a path that owns() accepted. Never throws.
    boost::asio::awaitable<http_response> handle(const http_request& request);

private:
    boost::asio::awaitable<http_response> route(const http_request& request);
    http_response login(const http_request& request);
    http_response logout(const http_request& request, const session& who);
    boost::asio::awaitable<http_response> overview(const session& who);
    http_response deployment(const session& who, std::string_view id_text);
    boost::asio::awaitable<http_response> redeploy(const http_request& request,
                                                   const session& who, std::string_view app);
    /// Whether a client-caused line (refused source, login, CSRF) is logged in full now.
    bool log_budget(const http_request& request, std::string_view code);
    // A POST's Origin, when it sends one, is the page's own (PUBLIC_URL's, else its Host's).
    bool same_origin(const http_request& request) const;

    status_services s_;
    status_options options_;
    session_store sessions_;
    std::shared_ptr<line_budget> refusal_log_;
    boost::asio::any_io_executor executor_;  // the io thread's, for the summing-up
};

}  // namespace agent::status
