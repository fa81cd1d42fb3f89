// POST /webhook, /webhooks/github, /webhooks/gitea and /webhooks/gitlab: a verdict from intake,
// the accept stage's decision and effect, and one log line.

#include <fmt/format.h>

#include "accept/decision.hpp"
#include "common/escape.hpp"
#include "common/iso8601.hpp"
#include "common/log.hpp"
#include "intake/forge_intake.hpp"
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

webhook_endpoints::forge_lines& webhook_endpoints::lines_of(std::string_view source) {
    if (source == "gitlab") {
        return gitlab_lines_;
    }
    if (source == "gitea" || source == "forgejo") {
        return gitea_lines_;
    }
    return github_lines_;
}

boost::asio::awaitable<http_response> webhook_endpoints::github(const http_request& request) {
    http_response r = co_await forge(request, forge_route::github);
    co_return r;
}

boost::asio::awaitable<http_response> webhook_endpoints::gitea(const http_request& request) {
    http_response r = co_await forge(request, forge_route::gitea);
    co_return r;
}

boost::asio::awaitable<http_response> webhook_endpoints::gitlab(const http_request& request) {
    http_response r = co_await forge(request, forge_route::gitlab);
    co_return r;
}

boost::asio::awaitable<http_response> webhook_endpoints::any_forge(const http_request& request) {
    http_response r = co_await forge(request, forge_route::any);
    co_return r;
}

boost::asio::awaitable<http_response> webhook_endpoints::forge(const http_request& request,
                                                               forge_route route) {
    auto m = s_.manifests.current();
    const delivery_view delivery{request.headers, request.body};
    const forge_kind sender = route == forge_route::gitea    ? forge_kind::gitea
                              : route == forge_route::gitlab ? forge_kind::gitlab
                              : route == forge_route::github ? forge_kind::github
                                                             : forge_of(delivery);
    forge_lines& lines = lines_of(to_string(sender));
    github_intake_options options = settings_.github;
    options.explain_refusals = lines.refusals->would_admit(request.client);
    const github_verdict verdict =
        sender == forge_kind::gitlab ? classify_gitlab_delivery(delivery, *m, settings_.secrets,
                                                                options)
        : sender == forge_kind::github
            ? classify_github_delivery(delivery, *m, settings_.secrets, options)
            : classify_gitea_delivery(delivery, *m, settings_.secrets, options);
    if (verdict.what == github_verdict::kind::push && verdict.push) {
        http_response queued = co_await accept_push(request, verdict);
        co_return queued;
    }
    const accept_decision decision = decide_github_delivery(*m, verdict, {}, {});
    const std::string path = escape_untrusted(request.path());
    http_response response = github_answer(verdict);
    const bool refused = decision.what == accept_decision::kind::refuse;
    if (refused) {
        std::string source = verdict.source;
        const bool in_full = co_await admit_refusal(lines.refusals, std::move(source),
                                                    request.client, verdict.refusal_code);
        if (!in_full) {
            co_return response;
        }
        spdlog::warn("{} POST {} {} {} delivery {}: {}", request.client, path, response.status,
                     verdict.source, verdict.delivery_id.empty() ? "-" : verdict.delivery_id,
                     verdict.diagnosis);
    } else {
        spdlog::info("{} POST {} {} {} {} delivery {}: {}", request.client, path,
                     response.status, verdict.source, escape_untrusted(verdict.event),
                     verdict.delivery_id, verdict.reason);
    }
    s_.accept.note(delivery_record{verdict.delivery_id, verdict.source, verdict.event,
                                   refused ? "refused" : "ignored", decision.reason, 0});
    co_return response;
}

boost::asio::awaitable<http_response> webhook_endpoints::accept_push(
    const http_request& request, const github_verdict& verdict) {
    const github_push& push = *verdict.push;
    const std::string& source = verdict.source;
    const std::int64_t now_ms = unix_millis(std::chrono::system_clock::now());
    const std::string key = push_replay_key(push);
    const seen_before seen = s_.accept.seen(push.delivery_id, key, now_ms);
    accept_decision decision =
        decide_github_delivery(*s_.manifests.current(), verdict, seen, s_.accept.in_flight());
    if (decision.what == accept_decision::kind::ignore) {
        spdlog::info("{} POST {} 200 {} push delivery {}: {} ({})", request.client,
                     escape_untrusted(request.path()), source, push.delivery_id,
                     decision.reason, verdict.diagnosis);
        s_.accept.note(delivery_record{push.delivery_id, source, verdict.event, "ignored",
                                       decision.reason, now_ms});
        co_return github_message(decision.reason, verdict.event, push.delivery_id);
    }
    if (decision.what == accept_decision::kind::duplicate) {
        // A replay flood (one captured body sent under new delivery ids) is logged within the
        // budget; every duplicate is still recorded and counted.
        std::string code = duplicate_code(seen, decision);
        const bool logged =
            co_await lines_of(source).duplicates->admit(request.client, std::move(code));
        if (logged) {
            spdlog::info("{} POST {} 200 {} push delivery {}: {}{}", request.client,
                         escape_untrusted(request.path()), source, push.delivery_id,
                         decision.reason,
                         decision.in_flight.empty() ? " (redeploy through the API to force)" : "");
        }
        s_.accept.note(delivery_record{push.delivery_id, source, verdict.event, "duplicate",
                                       decision.reason, now_ms});
        co_return github_message(decision.reason, verdict.event, push.delivery_id);
    }
    const std::string path = escape_untrusted(request.path());
    // Named first: g++ 12 miscompiles string literals inside a co_await expression.
    delivery_record accepted{push.delivery_id, source, verdict.event, "", "", now_ms, key, 0};
    const std::vector<planned_job> jobs = decision.jobs;
    std::vector<std::int64_t> ids =
        co_await s_.accept.accept(std::move(accepted), std::move(decision.jobs));
    spdlog::info("{} POST {} 202 {} push {} {} ({}) delivery {}: queued deployment(s) {}",
                 request.client, path, source, push.repository, escape_untrusted(push.ref),
                 push.commit.substr(0, 12), push.delivery_id, fmt::join(ids, ","));
    co_return github_queued(jobs, ids);
}

}  // namespace agent
