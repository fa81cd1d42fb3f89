// POST /webhooks/infisical: a verdict from intake, then replays, planning, recording and
// queueing, and one log line.

#include <fmt/format.h>

#include "common/escape.hpp"
#include "common/iso8601.hpp"
#include "common/log.hpp"
#include "http/routes.hpp"
#include "http/webhook_answers.hpp"
#include "secrets/secret_sync.hpp"

namespace agent {

namespace {

void note(const route_services& s, std::string event, std::string verdict, std::string reason) {
    if (s.note) {
        s.note(delivery_record{"", "infisical", std::move(event), std::move(verdict),
                               std::move(reason), unix_millis_now()});
    }
}

}  // namespace

boost::asio::awaitable<http_response> router::infisical(const http_request& request) {
    infisical_intake_options options = s_.infisical;
    options.explain_refusals = infisical_refusals_->would_admit(request.client);
    const infisical_verdict verdict = classify_infisical_delivery(
        delivery_view{request.headers, request.body}, s_.infisical_secret, options);
    if (verdict.what == infisical_verdict::kind::change && verdict.change) {
        http_response processed = co_await accept_change(request, verdict);
        co_return processed;
    }
    const std::string path = escape_untrusted(request.path());
    http_response response = infisical_answer(verdict);
    const bool refused = verdict.what == infisical_verdict::kind::refused;
    if (refused) {
        std::string source = "infisical";
        const bool in_full = co_await admit_refusal(infisical_refusals_, std::move(source),
                                                    request.client, verdict.refusal_code);
        if (!in_full) {
            co_return response;
        }
        spdlog::warn("{} POST {} {} infisical delivery: {}", request.client, path,
                     response.status, verdict.diagnosis);
    } else {
        spdlog::info("{} POST {} {} infisical {}: {}", request.client, path, response.status,
                     escape_untrusted(verdict.event), escape_untrusted(verdict.reason));
    }
    note(s_, verdict.event, refused ? "refused" : "ignored",
         refused ? verdict.refusal_code : verdict.reason);
    co_return response;
}

boost::asio::awaitable<http_response> router::accept_change(const http_request& request,
                                                               const infisical_verdict& verdict) {
    const std::string path = escape_untrusted(request.path());
    const infisical_change& change = *verdict.change;
    const std::string where =
        fmt::format("project {} environment {} path {}", escape_untrusted(change.project),
                    escape_untrusted(change.environment), escape_untrusted(change.secret_path));
    const std::int64_t now_ms = unix_millis_now();
    const std::int64_t until_ms = unix_millis(verdict.replay_until);
    if (is_replay(verdict.replay_key, now_ms)) {
        spdlog::info("{} POST {} 200 infisical {} {}: duplicate: this signature was already "
                     "accepted",
                     request.client, path, escape_untrusted(verdict.event), where);
        note(s_, verdict.event, "duplicate", "duplicate: signature already accepted");
        co_return infisical_processed(verdict.event, infisical_action::duplicate);
    }
    if (!verdict.replay_key.empty()) {
        replays_.remember(verdict.replay_key, until_ms, now_ms);
    }
    auto m = s_.manifests.current();
    // The secrets stage clears the cache and redeploys only apps whose secrets hash changed;
    // without it (tests of the front door alone) the planner's choice stands.
    std::vector<planned_job> jobs;
    infisical_action action = infisical_action::cache_cleared;
    if (s_.infisical_secrets != nullptr) {
        auto outcome = co_await s_.infisical_secrets->on_change(*m, change, s_.auto_redeploy);
        jobs = secret_redeploy_jobs(outcome.redeploy, "");
        action = !jobs.empty()                ? infisical_action::redeploy_queued
                 : outcome.cleared.empty() ? infisical_action::nothing_cached
                                           : infisical_action::cache_cleared;
    } else {
        jobs = plan_infisical_change(*m, change, s_.auto_redeploy);
        action = jobs.empty() ? infisical_action::cache_cleared : infisical_action::redeploy_queued;
    }
    delivery_record accepted{"", "infisical", verdict.event, "accepted",
                             std::string(to_string(action)) + "; no app to redeploy", now_ms,
                             verdict.replay_key, until_ms};
    std::vector<std::string> id_texts;
    if (jobs.empty()) {
        if (s_.note) {
            s_.note(std::move(accepted));
        }
    } else {
        std::vector<std::int64_t> ids;
        try {
            ids = co_await s_.record(std::move(accepted), jobs);
        } catch (...) {
            replays_.forget(verdict.replay_key);
            throw;
        }
        for (std::size_t i = 0; i < jobs.size() && i < ids.size(); ++i) {
            s_.queue.submit(deploy_job{ids[i], jobs[i]});
            id_texts.push_back(std::to_string(ids[i]));
        }
    }
    spdlog::info("{} POST {} 200 infisical {} {}: {}{}", request.client, path,
                 escape_untrusted(verdict.event), where, to_string(action),
                 id_texts.empty() ? "" : ", queued deployment(s) " + fmt::format("{}", fmt::join(id_texts, ",")));
    co_return infisical_processed(verdict.event, action, id_texts);
}

}  // namespace agent
