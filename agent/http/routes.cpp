#include "http/routes.hpp"

#include "common/escape.hpp"
#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "http/answer.hpp"
#include "http/webhook_answers.hpp"
#include "metrics/agent_metrics.hpp"
#include "status/status_routes.hpp"
#include "secrets/secret_sync.hpp"

namespace agent {

namespace {

// Records the summary of a flood of refused deliveries, as one history row.
std::function<void(const std::string&)> record_summary(const route_services& s,
                                                        std::string source) {
    return [note = s.note, source = std::move(source)](const std::string& summary) {
        if (note) {
            note(delivery_record{"", source, "", "refused", "flood: " + summary, 0});
        }
    };
}

// Lines of kind `what` (each kind is summed up on its own) within the shared budget, or one of
// their own when the router was given none.
std::shared_ptr<line_budget> lines(const route_services& s, std::string what, std::string source,
                                   std::function<void(const std::string&)> on_summary) {
    if (s.log_budget) {
        return std::make_shared<line_budget>(std::move(what), std::move(source), s.log_budget,
                                             std::move(on_summary));
    }
    return std::make_shared<line_budget>(std::move(what), std::move(source),
                                         s.refusals_per_second, std::move(on_summary));
}

bool get_or_head(const std::string& method) {
    return method == "GET" || method == "HEAD";
}

}  // namespace

router::router(route_services services)
    : s_(std::move(services)),
      github_refusals_(lines(s_, "refused deliveries", "github webhook",
                             record_summary(s_, "github"))),
      infisical_refusals_(lines(s_, "refused Infisical deliveries", "infisical webhook",
                                record_summary(s_, "infisical"))),
      unrouted_(lines(s_, "client errors", "http", {})) {}

boost::asio::awaitable<bool> router::admit_refusal(const std::shared_ptr<line_budget>& lines,
                                                   std::string source, std::string client,
                                                   std::string code) {
    const bool in_full = co_await lines->admit(client, code);
    if (!in_full && s_.count_refused) {
        s_.count_refused(std::move(source), std::move(code));
    }
    co_return in_full;
}

bool router::is_replay(const std::string& key, std::int64_t now_ms) const {
    return !key.empty() &&
           (replays_.seen(key, now_ms) || (s_.replay_seen && s_.replay_seen(key, now_ms)));
}

boost::asio::awaitable<http_response> router::handle(http_request request) {
    const std::string path(request.path());
    const std::string& method = request.method;
    const bool webhook = path == "/webhook" || path == "/webhooks/github" ||
                         path == "/webhooks/infisical" || path == "/webhooks/infisical/test";
    if (webhook && method != "POST") {
        // Named first: g++ 12 mishandles temporaries built inside a co_await expression.
        http_response answer = method_not_allowed("POST");
        http_response refused = co_await unrouted(request, std::move(answer));
        co_return refused;
    }
    if (path == "/webhook" || path == "/webhooks/github") {
        http_response answer = co_await github(request);
        co_return answer;
    }
    if (path == "/webhooks/infisical") {
        http_response answer = co_await infisical(request);
        co_return answer;
    }
    if (path == "/webhooks/infisical/test") {
        spdlog::info("{} POST {} 200 test webhook received ({} bytes)", request.client, path,
                     request.body.size());
        co_return infisical_test_answer(std::chrono::system_clock::now());
    }
    if (path == "/healthz" || path == "/readyz" || path == "/metrics") {
        if (!get_or_head(method)) {
            http_response answer = method_not_allowed("GET, HEAD");
            http_response refused = co_await unrouted(request, std::move(answer));
            co_return refused;
        }
        if (path == "/healthz") {
            co_return json_answer(outcome::done, R"({"status":"ok"})");
        }
        if (path == "/readyz") {
            http_response answer = co_await ready();
            co_return answer;
        }
        co_return http_response{200, metrics::process_metrics().render(),
                                std::string(metrics::exposition_content_type), {}};
    }
    if (path.starts_with("/api/") || path == "/api") {
        if (s_.api != nullptr) {
            http_response r = co_await s_.api->handle(request);
            co_return r;
        }
        co_return error_answer(outcome::unavailable, "API not configured: set JWT_SECRET");
    }
    if (s_.status != nullptr && status::status_routes::owns(path)) {
        http_response page = co_await s_.status->handle(request);
        co_return page;
    }
    http_response answer = error_answer(outcome::not_found, "not found");
    http_response missing = co_await unrouted(request, std::move(answer));
    co_return missing;
}

boost::asio::awaitable<http_response> router::unrouted(const http_request& request,
                                                       http_response answer) {
    // Anyone can send these by the thousand: the lines are budgeted, the path cut and escaped.
    std::string code = answer.status == 404 ? "404" : "405";
    if (co_await unrouted_->admit(request.client, std::move(code))) {
        spdlog::info("{} {} {} {}", request.client, escape_untrusted(request.method, 32),
                     escape_untrusted(request.path()), answer.status);
    }
    co_return answer;
}

boost::asio::awaitable<http_response> router::ready() {
    if (s_.ready == nullptr) {
        co_return error_answer(outcome::unavailable, "not ready");
    }
    http_response r = co_await s_.ready->answer();
    co_return r;
}

}  // namespace agent
