// POST /webhook and /webhooks/github: a verdict from intake, then replays, planning, recording
// and queueing, and one log line.

#include <algorithm>

#include <fmt/format.h>

#include "common/escape.hpp"
#include "common/iso8601.hpp"
#include "common/log.hpp"
#include "http/routes.hpp"
#include "http/webhook_answers.hpp"

namespace agent {

namespace {

std::string ids_text(const std::vector<std::int64_t>& ids) {
    return fmt::format("{}", fmt::join(ids, ","));
}

void note(const route_services& s, std::string event, std::string delivery_id,
          std::string verdict, std::string reason) {
    if (s.note) {
        s.note(delivery_record{std::move(delivery_id), "github", std::move(event),
                               std::move(verdict), std::move(reason),
                               unix_millis_now()});
    }
}

// Why this push is a duplicate of one already accepted, or empty.
std::string duplicate_reason(const route_services& s, const github_push& push, bool replay) {
    if (!push.delivery_id.empty() && s.already_accepted && s.already_accepted(push.delivery_id)) {
        return fmt::format("duplicate: delivery {} was already accepted", push.delivery_id);
    }
    if (replay) {
        return fmt::format("duplicate: push {}..{} to {} was already accepted",
                           push.before.substr(0, 12), push.after.substr(0, 12),
                           escape_untrusted(push.ref));
    }
    return {};
}

// The jobs the push plans for the apps whose secret verified it.
std::vector<planned_job> authorized_jobs(const manifest& m, const github_verdict& verdict) {
    std::vector<planned_job> jobs = plan_github_push(m, *verdict.push);
    std::erase_if(jobs, [&](const planned_job& j) {
        return std::find(verdict.authorized_apps.begin(), verdict.authorized_apps.end(), j.app) ==
               verdict.authorized_apps.end();
    });
    return jobs;
}

}  // namespace

boost::asio::awaitable<http_response> router::github(const http_request& request) {
    auto m = s_.manifests.current();
    github_intake_options options = s_.github;
    options.explain_refusals = github_refusals_->would_admit(request.client);
    const github_verdict verdict = classify_github_delivery(
        delivery_view{request.headers, request.body}, *m, s_.secrets, options);
    if (verdict.what == github_verdict::kind::push && verdict.push) {
        http_response queued = co_await accept_push(request, verdict);
        co_return queued;
    }
    const std::string path = escape_untrusted(request.path());
    http_response response = github_answer(verdict);
    const bool refused = verdict.what == github_verdict::kind::refused;
    if (refused) {
        std::string source = "github";
        const bool in_full = co_await admit_refusal(github_refusals_, std::move(source),
                                                    request.client, verdict.refusal_code);
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
    note(s_, verdict.event, verdict.delivery_id, refused ? "refused" : "ignored",
         refused ? verdict.refusal_code : verdict.reason);
    co_return response;
}

boost::asio::awaitable<http_response> router::accept_push(const http_request& request,
                                                          const github_verdict& verdict) {
    const github_push& push = *verdict.push;
    const std::string path = escape_untrusted(request.path());
    const std::int64_t now_ms = unix_millis_now();
    const std::string key = push_replay_key(push);
    if (auto reason = duplicate_reason(s_, push, is_replay(key, now_ms)); !reason.empty()) {
        spdlog::info("{} POST {} 200 github push delivery {}: {} (redeploy through the API to "
                     "force)",
                     request.client, path, push.delivery_id, reason);
        note(s_, "push", push.delivery_id, "duplicate", reason);
        co_return github_message(reason, "push", push.delivery_id);
    }
    std::vector<planned_job> jobs = authorized_jobs(*s_.manifests.current(), verdict);
    if (jobs.empty()) {
        std::string reason = fmt::format("ignored: no app deploys {} {}", push.repository,
                                         escape_untrusted(push.ref));
        spdlog::info("{} POST {} 200 github push delivery {}: {} ({})", request.client, path,
                     push.delivery_id, reason, verdict.diagnosis);
        note(s_, "push", push.delivery_id, "ignored", reason);
        co_return github_message(reason, "push", push.delivery_id);
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
        note(s_, "push", push.delivery_id, "duplicate", reason);
        co_return github_message(reason, "push", push.delivery_id);
    }
    // Remembered before the record is written, so that a replay arriving meanwhile is refused.
    replays_.remember(key, 0, now_ms);
    // Named first: g++ 12 miscompiles string literals inside a co_await expression.
    delivery_record accepted{push.delivery_id, "github", "push", "", "", now_ms, key, 0};
    std::vector<std::int64_t> ids;
    try {
        ids = co_await s_.record(std::move(accepted), jobs);
    } catch (...) {
        replays_.forget(key);
        throw;
    }
    for (std::size_t i = 0; i < jobs.size() && i < ids.size(); ++i) {
        s_.queue.submit(deploy_job{ids[i], jobs[i]});
    }
    spdlog::info("{} POST {} 202 github push {} {} ({}) delivery {}: queued deployment(s) {}",
                 request.client, path, push.repository, escape_untrusted(push.ref),
                 push.commit.substr(0, 12), push.delivery_id, ids_text(ids));
    co_return github_queued(jobs, ids);
}

}  // namespace agent
