#include "http/routes.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/escape.hpp"
#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "http/answer.hpp"
#include "http/webhook_answers.hpp"
#include "metrics/agent_metrics.hpp"

namespace agent {

namespace {

// Logs and records the summary of held-back refusals each second while a flood lasts.
template <class Flood, class Note>
boost::asio::awaitable<void> sum_up_refusals(std::shared_ptr<Flood> flood, std::string source,
                                             Note note, std::size_t per_second) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    do {
        timer.expires_after(std::chrono::seconds(1));
        co_await timer.async_wait(boost::asio::use_awaitable);
        if (auto summary = flood->gate.take_summary(std::chrono::steady_clock::now())) {
            spdlog::warn("{} flood: {} were not logged or recorded one by one (at most {} "
                         "a second are; /metrics counts every one)",
                         source, *summary, per_second);
            if (note && source != "http") {
                note(delivery_record{"", source, "", "refused", "flood: " + *summary, 0});
            }
        }
    } while (flood->gate.holding());
    flood->summing_up = false;
}

bool get_or_head(const std::string& method) {
    return method == "GET" || method == "HEAD";
}

}  // namespace

router::router(route_services services)
    : s_(std::move(services)),
      github_refusals_(std::make_shared<refusal_flood>(s_.refusals_per_second)),
      infisical_refusals_(std::make_shared<refusal_flood>(s_.refusals_per_second)),
      unrouted_(std::make_shared<refusal_flood>(s_.refusals_per_second)) {}

boost::asio::awaitable<bool> router::admit_refusal(const std::shared_ptr<refusal_flood>& flood,
                                                   const std::string& source,
                                                   const std::string& code) {
    if (flood->gate.admit(std::chrono::steady_clock::now(), code)) {
        co_return true;
    }
    if (s_.count_refused && source != "http") {
        s_.count_refused(source, code);
    }
    if (!flood->summing_up) {
        flood->summing_up = true;
        auto executor = co_await boost::asio::this_coro::executor;
        boost::asio::co_spawn(executor,
                              sum_up_refusals(flood, source, s_.note, s_.refusals_per_second),
                              boost::asio::detached);
    }
    co_return false;
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
    http_response answer = error_answer(outcome::not_found, "not found");
    http_response missing = co_await unrouted(request, std::move(answer));
    co_return missing;
}

boost::asio::awaitable<http_response> router::unrouted(const http_request& request,
                                                       http_response answer) {
    // Anyone can send these by the thousand: the lines are budgeted, the path cut and escaped.
    const std::string code = answer.status == 404 ? "not_found" : "method_not_allowed";
    if (co_await admit_refusal(unrouted_, "http", code)) {
        spdlog::info("{} {} {} {}", request.client, escape_untrusted(request.method, 32),
                     escape_untrusted(request.path()), answer.status);
    }
    co_return answer;
}

boost::asio::awaitable<http_response> router::ready() {
    bool engine = s_.engine_ready ? co_await s_.engine_ready() : false;
    json_writer w;
    w.begin_object().key("ready").boolean(engine).key("engine").boolean(engine);
    w.key("apps").integer(static_cast<std::int64_t>(s_.manifests.current()->apps.size()));
    w.end_object();
    co_return json_answer(engine ? outcome::done : outcome::unavailable, w.take());
}

}  // namespace agent
