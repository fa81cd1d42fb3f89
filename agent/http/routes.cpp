#include "http/routes.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "metrics/agent_metrics.hpp"
#include "secrets/secret_sync.hpp"

namespace agent {

namespace {

http_response method_not_allowed(std::string_view allow) {
    auto r = json_error(405, "method not allowed");
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
}

http_response json_ok(unsigned status, std::string body) {
    return http_response{status, std::move(body), "application/json", {}};
}

std::string ids_text(const std::vector<std::int64_t>& ids) {
    return fmt::format("{}", fmt::join(ids, ","));
}

http_response json_message(unsigned status, std::string_view message, std::string_view event) {
    json_writer w;
    w.begin_object().key("success").boolean(true).key("message").string(message);
    w.key("event").string(event).end_object();
    return json_ok(status, w.take());
}

void note(const route_services& s, std::string source, std::string event, std::string delivery_id,
          std::string verdict, std::string reason) {
    if (s.note) {
        s.note(std::move(source), std::move(event), std::move(delivery_id), std::move(verdict),
               std::move(reason));
    }
}

// Logs and records the summary of held-back refusals each second while a flood lasts.
template <class Flood, class Note>
boost::asio::awaitable<void> sum_up_refusals(std::shared_ptr<Flood> flood, std::string source,
                                             Note note, std::size_t per_second) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    do {
        timer.expires_after(std::chrono::seconds(1));
        co_await timer.async_wait(boost::asio::use_awaitable);
        if (auto summary = flood->gate.take_summary(std::chrono::steady_clock::now())) {
            spdlog::warn("{} webhook flood: {} were not logged or recorded one by one (at most {} "
                         "a second are; /metrics counts every one)",
                         source, *summary, per_second);
            if (note) {
                note(source, "", "", "refused", "flood: " + *summary);
            }
        }
    } while (flood->gate.holding());
    flood->summing_up = false;
}

}  // namespace

boost::asio::awaitable<bool> router::admit_refusal(const std::shared_ptr<refusal_flood>& flood,
                                                   const std::string& source,
                                                   const std::string& code) {
    if (flood->gate.admit(std::chrono::steady_clock::now(), code)) {
        co_return true;
    }
    if (s_.count_refused) {
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

boost::asio::awaitable<http_response> router::handle(http_request request) {
    const std::string path(request.path());
    const std::string& method = request.method;
    if (path == "/webhook" || path == "/webhooks/github") {
        if (method != "POST") {
            co_return method_not_allowed("POST");
        }
        co_return co_await github(request);
    }
    if (path == "/webhooks/infisical") {
        if (method != "POST") {
            co_return method_not_allowed("POST");
        }
        co_return co_await infisical(request);
    }
    if (path == "/webhooks/infisical/test") {
        if (method != "POST") {
            co_return method_not_allowed("POST");
        }
        spdlog::info("{} POST {} 200 test webhook received ({} bytes)", request.client, path,
                     request.body.size());
        co_return infisical_test_response(std::chrono::system_clock::now());
    }
    if (path == "/healthz") {
        if (method != "GET" && method != "HEAD") {
            co_return method_not_allowed("GET, HEAD");
        }
        co_return json_ok(200, R"({"status":"ok"})");
    }
    if (path == "/readyz") {
        if (method != "GET" && method != "HEAD") {
            co_return method_not_allowed("GET, HEAD");
        }
        co_return co_await ready();
    }
    if (path == "/metrics") {
        if (method != "GET" && method != "HEAD") {
            co_return method_not_allowed("GET, HEAD");
        }
        co_return metrics::exposition_response(metrics::process_metrics());
    }
    if (path.starts_with("/api/") || path == "/api") {
        if (s_.api != nullptr) {
            http_response r = co_await s_.api->handle(request);
            co_return r;
        }
        co_return json_error(503, "API not configured: set JWT_SECRET");
    }
    spdlog::info("{} {} {} 404", request.client, method, path);
    co_return json_error(404, "not found");
}

boost::asio::awaitable<http_response> router::github(const http_request& request) {
    auto m = s_.manifests.current();
    github_intake_options options = s_.github;
    options.explain_refusals = github_refusals_->gate.would_admit(std::chrono::steady_clock::now());
    github_verdict verdict = classify_github_delivery(request, *m, s_.secrets, options);
    const std::string path(request.path());
    if (verdict.what != github_verdict::kind::push || !verdict.push) {
        auto response = github_response(verdict);
        const bool refused = verdict.what == github_verdict::kind::refused;
        if (refused) {
            const bool in_full =
                co_await admit_refusal(github_refusals_, "github", verdict.refusal_code);
            if (!in_full) {
                co_return response;
            }
            spdlog::warn("{} POST {} {} github delivery {}: {}", request.client, path,
                         response.status, verdict.delivery_id.empty() ? "-" : verdict.delivery_id,
                         verdict.diagnosis);
        } else {
            spdlog::info("{} POST {} {} github {} delivery {}: {}", request.client, path,
                         response.status, verdict.event, verdict.delivery_id, verdict.reason);
        }
        note(s_, "github", verdict.event, verdict.delivery_id, refused ? "refused" : "ignored",
             refused ? verdict.refusal_code : verdict.reason);
        co_return response;
    }
    const github_push& push = *verdict.push;
    if (!push.delivery_id.empty() && s_.already_accepted && s_.already_accepted(push.delivery_id)) {
        std::string reason = fmt::format("duplicate: delivery {} was already accepted", push.delivery_id);
        spdlog::info("{} POST {} 200 github push delivery {}: {} (redeploy through the API to force)",
                     request.client, path, push.delivery_id, reason);
        note(s_, "github", "push", push.delivery_id, "duplicate", reason);
        co_return json_message(200, reason, "push");
    }
    std::vector<planned_job> jobs = plan_github_push(*m, push);
    std::erase_if(jobs, [&](const planned_job& j) {
        return std::find(verdict.authorized_apps.begin(), verdict.authorized_apps.end(), j.app) ==
               verdict.authorized_apps.end();
    });
    if (jobs.empty()) {
        std::string reason = fmt::format("ignored: no app deploys {} {}", push.repository, push.ref);
        spdlog::info("{} POST {} 200 github push delivery {}: {} ({})", request.client, path,
                     push.delivery_id, reason, verdict.diagnosis);
        note(s_, "github", "push", push.delivery_id, "ignored", reason);
        co_return json_message(200, reason, "push");
    }
    // The same commit already queued or running for an app needs no second deploy.
    std::vector<std::int64_t> already;
    std::erase_if(jobs, [&](const planned_job& j) {
        auto id = s_.queue.in_flight_for(j.app, j.commit);
        if (id && !j.force) {
            already.push_back(*id);
            return true;
        }
        return false;
    });
    if (jobs.empty()) {
        std::string reason = fmt::format("duplicate: commit {} is already queued as deployment {}",
                                         push.commit.substr(0, 12), ids_text(already));
        spdlog::info("{} POST {} 200 github push delivery {}: {}", request.client, path,
                     push.delivery_id, reason);
        note(s_, "github", "push", push.delivery_id, "duplicate", reason);
        co_return json_message(200, reason, "push");
    }
    std::vector<std::int64_t> ids =
        co_await s_.record("github", "push", push.delivery_id, jobs);
    json_writer w;
    w.begin_object().key("success").boolean(true).key("message").string("deploys queued");
    w.key("deployments").begin_array();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        s_.queue.submit(deploy_job{ids[i], jobs[i]});
        w.begin_object().key("id").integer(ids[i]).key("app").string(jobs[i].app).end_object();
    }
    w.end_array().end_object();
    spdlog::info("{} POST {} 202 github push {} {} ({}) delivery {}: queued deployment(s) {}",
                 request.client, path, push.repository, push.ref, push.commit.substr(0, 12),
                 push.delivery_id, ids_text(ids));
    co_return json_ok(202, w.take());
}

boost::asio::awaitable<http_response> router::infisical(const http_request& request) {
    infisical_intake_options options;
    options.window = s_.infisical_window;
    options.allow_unsigned = s_.github.allow_unsigned;
    options.now = [] { return std::chrono::system_clock::now(); };
    options.explain_refusals =
        infisical_refusals_->gate.would_admit(std::chrono::steady_clock::now());
    infisical_verdict verdict = classify_infisical_delivery(request, s_.infisical_secret, options);
    const std::string path(request.path());
    if (verdict.what != infisical_verdict::kind::change || !verdict.change) {
        const bool refused = verdict.what == infisical_verdict::kind::refused;
        if (refused) {
            const bool in_full =
                co_await admit_refusal(infisical_refusals_, "infisical", verdict.refusal_code);
            if (!in_full) {
                co_return verdict.response;
            }
            spdlog::warn("{} POST {} {} infisical delivery: {}", request.client, path,
                         verdict.response.status, verdict.diagnosis);
        } else {
            spdlog::info("{} POST {} {} infisical {}: {}", request.client, path,
                         verdict.response.status, verdict.event, verdict.reason);
        }
        note(s_, "infisical", verdict.event, "", refused ? "refused" : "ignored",
             refused ? verdict.refusal_code : verdict.reason);
        co_return verdict.response;
    }
    auto m = s_.manifests.current();
    std::vector<planned_job> jobs;
    std::string action;
    if (s_.infisical_secrets != nullptr) {
        auto outcome = co_await s_.infisical_secrets->on_change(*m, *verdict.change, s_.auto_redeploy);
        jobs = secret_redeploy_jobs(outcome.redeploy, "");
        action = outcome.action();
    } else {
        jobs = plan_infisical_change(*m, *verdict.change, s_.auto_redeploy);
        action = jobs.empty() ? "nothing_cached" : "redeploy_queued";
    }
    std::vector<std::string> id_texts;
    if (jobs.empty()) {
        note(s_, "infisical", verdict.event, "", "accepted", action + "; no app to redeploy");
    } else {
        std::vector<std::int64_t> ids = co_await s_.record("infisical", verdict.event, "", jobs);
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            s_.queue.submit(deploy_job{ids[i], jobs[i]});
            id_texts.push_back(std::to_string(ids[i]));
        }
    }
    spdlog::info("{} POST {} 200 infisical {} project {} environment {} path {}: {}{}",
                 request.client, path, verdict.event, verdict.change->project,
                 verdict.change->environment, verdict.change->secret_path, action,
                 id_texts.empty() ? "" : ", queued deployment(s) " + fmt::format("{}", fmt::join(id_texts, ",")));
    co_return infisical_processed_response(verdict.event, id_texts, action);
}

boost::asio::awaitable<http_response> router::ready() {
    bool engine = s_.engine_ready ? co_await s_.engine_ready() : false;
    json_writer w;
    w.begin_object().key("ready").boolean(engine).key("engine").boolean(engine);
    w.key("apps").integer(static_cast<std::int64_t>(s_.manifests.current()->apps.size()));
    w.end_object();
    co_return json_ok(engine ? 200 : 503, w.take());
}

}  // namespace agent
