// POST /webhook and /webhooks/github: a verdict from intake, the accept stage's decision and
// effect, and one log line.

#include <fmt/format.h>

#include "accept/decision.hpp"
#include "common/escape.hpp"
#include "common/iso8601.hpp"
#include "common/log.hpp"
#include "webhooks/webhook_answers.hpp"
#include "webhooks/webhook_endpoints.hpp"

namespace agent {

namespace {

// What made a push a duplicate, for the summary of the lines held back.
std::string duplicate_code(const seen_before& seen, const accept_decision& decision) {
    if (!decision.in_flight.empty()) {
        return "in_flight";
    }
    return seen.delivery_accepted ? "redelivery" : "replay";
}

}  // namespace

boost::asio::awaitable<http_response> webhook_endpoints::github(const http_request& request) {
    auto m = s_.manifests.current();
    github_intake_options options = settings_.github;
    options.explain_refusals = github_refusals_->would_admit(request.client);
    const github_verdict verdict = classify_github_delivery(
        delivery_view{request.headers, request.body}, *m, settings_.secrets, options);
    if (verdict.what == github_verdict::kind::push && verdict.push) {
        http_response queued = co_await accept_push(request, verdict);
        co_return queued;
    }
    const accept_decision decision = decide_github_delivery(*m, verdict, {}, {});
    const std::string path = escape_untrusted(request.path());
    http_response response = github_answer(verdict);
    const bool refused = decision.what == accept_decision::kind::refuse;
    if (refused) {
        std::string source = "github";
        const bool in_full = co_await admit_refusal(github_refusals_, std::move(source),
                                                    request.client, verdict.refusal_code);
        if (!in_full) {
            co_return response;
        }
        spdlog::warn("{} POST {} {} github delivery {}: {}", request.client, path, response.status,
                     verdict.delivery_id.empty() ? "-" : verdict.delivery_id, verdict.diagnosis);
    } else {
        spdlog::info("{} POST {} {} github {} delivery {}: {}", request.client, path,
                     response.status, verdict.event, verdict.delivery_id, verdict.reason);
    }
    s_.accept.note(delivery_record{verdict.delivery_id, "github", verdict.event,
                                   refused ? "refused" : "ignored", decision.reason, 0});
    co_return response;
}

boost::asio::awaitable<http_response> webhook_endpoints::accept_push(
    const http_request& request, const github_verdict& verdict) {
    const github_push& push = *verdict.push;
    const std::int64_t now_ms = unix_millis(std::chrono::system_clock::now());
    const std::string key = push_replay_key(push);
    const seen_before seen = s_.accept.seen(push.delivery_id, key, now_ms);
    accept_decision decision =
        decide_github_delivery(*s_.manifests.current(), verdict, seen, s_.accept.in_flight());
    if (decision.what == accept_decision::kind::ignore) {
        spdlog::info("{} POST {} 200 github push delivery {}: {} ({})", request.client,
                     escape_untrusted(request.path()), push.delivery_id, decision.reason,
                     verdict.diagnosis);
        s_.accept.note(delivery_record{push.delivery_id, "github", "push", "ignored",
                                       decision.reason, now_ms});
        co_return github_message(decision.reason, "push", push.delivery_id);
    }
    if (decision.what == accept_decision::kind::duplicate) {
        // A replay flood (one captured body sent under new delivery ids) is logged within the
        // budget; every duplicate is still recorded and counted.
        std::string code = duplicate_code(seen, decision);
        const bool logged = co_await github_duplicates_->admit(request.client, std::move(code));
        if (logged) {
            spdlog::info("{} POST {} 200 github push delivery {}: {}{}", request.client,
                         escape_untrusted(request.path()), push.delivery_id, decision.reason,
                         decision.in_flight.empty() ? " (redeploy through the API to force)" : "");
        }
        s_.accept.note(delivery_record{push.delivery_id, "github", "push", "duplicate",
                                       decision.reason, now_ms});
        co_return github_message(decision.reason, "push", push.delivery_id);
    }
    const std::string path = escape_untrusted(request.path());
    // Named first: g++ 12 miscompiles string literals inside a co_await expression.
    delivery_record accepted{push.delivery_id, "github", "push", "", "", now_ms, key, 0};
    const std::vector<planned_job> jobs = decision.jobs;
    std::vector<std::int64_t> ids =
        co_await s_.accept.accept(std::move(accepted), std::move(decision.jobs));
    spdlog::info("{} POST {} 202 github push {} {} ({}) delivery {}: queued deployment(s) {}",
                 request.client, path, push.repository, escape_untrusted(push.ref),
                 push.commit.substr(0, 12), push.delivery_id, fmt::join(ids, ","));
    co_return github_queued(jobs, ids);
}

}  // namespace agent
