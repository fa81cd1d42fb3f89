// POST /webhooks/infisical: a verdict from intake, the accept stage's decision, the cache
// cleared and the change recorded, the answer; then, after it, the comparison of the apps'
// secrets (Infisical and the engine) and the redeploys it finds, each in the history and the log.

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "accept/decision.hpp"
#include "common/escape.hpp"
#include "common/iso8601.hpp"
#include "common/log.hpp"
#include "webhooks/webhook_answers.hpp"
#include "webhooks/webhook_endpoints.hpp"

namespace agent {

namespace {

std::string where_of(const infisical_change& change) {
    return fmt::format("project {} environment {} path {}", escape_untrusted(change.project),
                       escape_untrusted(change.environment), escape_untrusted(change.secret_path));
}

// After the answer: fetch, hash and compare the secrets of the apps the accept decision planned,
// then accept the redeploys found as a delivery of their own. Never throws.
boost::asio::awaitable<void> check_secret_change(secrets_service* secrets, acceptor* accept,
                                                 std::shared_ptr<const manifest> m,
                                                 infisical_change change,
                                                 std::vector<planned_job> planned,
                                                 std::string event) {
    const std::string where = where_of(change);
    try {
        secret_change_outcome outcome = co_await secrets->check(planned_apps(*m, planned));
        accept_decision decision = decide_secret_redeploy(*m, std::move(planned), outcome.redeploy);
        const std::string kept = fmt::format(
            "{}{}{}",
            outcome.unchanged.empty() ? "" : "; unchanged: ", fmt::join(outcome.unchanged, ", "),
            outcome.failed.empty()
                ? ""
                : fmt::format("; could not be read: {}", fmt::join(outcome.failed, ", ")));
        if (decision.what != accept_decision::kind::accept) {
            spdlog::info("infisical {} {}: redeploy check: no app's secrets changed{}",
                         escape_untrusted(event), where, kept);
            accept->note(delivery_record{"", "infisical", "redeploy-check", "ignored",
                                         "no app's secrets changed" + kept, 0});
            co_return;
        }
        delivery_record check{"", "infisical", "redeploy-check", "", "", 0};
        std::vector<std::string> apps;
        for (const auto& job : decision.jobs) {
            apps.push_back(job.app);
        }
        std::vector<std::int64_t> ids =
            co_await accept->accept(std::move(check), std::move(decision.jobs));
        spdlog::info(
            "infisical {} {}: redeploy check: secrets changed for {}: queued "
            "deployment(s) {}{}",
            escape_untrusted(event), where, fmt::join(apps, ", "), fmt::join(ids, ","), kept);
    } catch (const std::exception& e) {
        spdlog::error("infisical {} {}: redeploy check failed: {}", escape_untrusted(event), where,
                      e.what());
    }
}

}  // namespace

boost::asio::awaitable<http_response> webhook_endpoints::infisical(const http_request& request) {
    infisical_intake_options options = settings_.infisical;
    options.explain_refusals = infisical_refusals_->would_admit(request.client);
    const infisical_verdict verdict = classify_infisical_delivery(
        delivery_view{request.headers, request.body}, settings_.infisical_secret, options);
    if (verdict.what == infisical_verdict::kind::change && verdict.change) {
        http_response processed = co_await accept_change(request, verdict);
        co_return processed;
    }
    const accept_decision decision =
        decide_infisical_delivery(*s_.manifests.current(), verdict, {}, settings_.auto_redeploy);
    const std::string path = escape_untrusted(request.path());
    http_response response = infisical_answer(verdict);
    const bool refused = decision.what == accept_decision::kind::refuse;
    if (refused) {
        std::string source = "infisical";
        const bool in_full = co_await admit_refusal(infisical_refusals_, std::move(source),
                                                    request.client, verdict.refusal_code);
        if (!in_full) {
            co_return response;
        }
        spdlog::warn("{} POST {} {} infisical delivery: {}", request.client, path, response.status,
                     verdict.diagnosis);
    } else {
        spdlog::info("{} POST {} {} infisical {}: {}", request.client, path, response.status,
                     escape_untrusted(verdict.event), escape_untrusted(verdict.reason));
    }
    s_.accept.note(delivery_record{"", "infisical", verdict.event, refused ? "refused" : "ignored",
                                   decision.reason, 0});
    co_return response;
}

boost::asio::awaitable<http_response> webhook_endpoints::accept_change(
    const http_request& request, const infisical_verdict& verdict) {
    const std::string path = escape_untrusted(request.path());
    const infisical_change& change = *verdict.change;
    const std::string where = where_of(change);
    // The clock that judged the delivery fresh: a later reading could find its key expired.
    const std::int64_t now_ms = unix_millis(verdict.judged_at);
    auto m = s_.manifests.current();
    accept_decision decision = decide_infisical_delivery(
        *m, verdict, s_.accept.seen("", verdict.replay_key, now_ms), settings_.auto_redeploy);
    if (decision.what == accept_decision::kind::duplicate) {
        // Within the budget: a signed delivery can be sent again and again within its window.
        std::string code = "replay";
        const bool logged = co_await infisical_duplicates_->admit(request.client, std::move(code));
        if (logged) {
            spdlog::info(
                "{} POST {} 200 infisical {} {}: duplicate: this signature was already "
                "accepted",
                request.client, path, escape_untrusted(verdict.event), where);
        }
        s_.accept.note(
            delivery_record{"", "infisical", verdict.event, "duplicate", decision.reason, now_ms});
        co_return infisical_processed(verdict.event, infisical_action::duplicate);
    }
    // The cache is local: cleared before the answer. Whether an app's secrets changed needs
    // Infisical and the engine: decided after it, for the apps the decision planned.
    infisical_action action = infisical_action::cache_cleared;
    std::vector<planned_job> compared;
    std::vector<planned_job> jobs;
    if (s_.infisical_secrets != nullptr) {
        action = s_.infisical_secrets->clear(change).empty() ? infisical_action::nothing_cached
                                                             : infisical_action::cache_cleared;
        // Without Infisical credentials no secret can be read, so none can be compared.
        if (s_.infisical_secrets->configured()) {
            compared = std::move(decision.jobs);
        }
    } else {
        jobs = std::move(decision.jobs);
        action = jobs.empty() ? infisical_action::cache_cleared : infisical_action::redeploy_queued;
    }
    std::vector<std::string> checked;
    for (const auto& job : compared) {
        checked.push_back(job.app);
    }
    std::string reason(to_string(action));
    reason += checked.empty() ? "; no app to redeploy"
                              : fmt::format("; redeploy check of {}", fmt::join(checked, ", "));
    delivery_record accepted{"",
                             "infisical",
                             verdict.event,
                             "",
                             std::move(reason),
                             now_ms,
                             verdict.replay_key,
                             unix_millis(verdict.replay_until)};
    std::vector<std::int64_t> ids = co_await s_.accept.accept(std::move(accepted), std::move(jobs));
    std::vector<std::string> id_texts;
    for (std::int64_t id : ids) {
        id_texts.push_back(std::to_string(id));
    }
    spdlog::info(
        "{} POST {} 200 infisical {} {}: {}{}{}", request.client, path,
        escape_untrusted(verdict.event), where, to_string(action),
        id_texts.empty() ? "" : fmt::format(", queued deployment(s) {}", fmt::join(id_texts, ",")),
        checked.empty() ? ""
                        : fmt::format(", redeploy check of {} follows", fmt::join(checked, ", ")));
    if (!checked.empty()) {
        auto executor = co_await boost::asio::this_coro::executor;
        boost::asio::co_spawn(executor,
                              check_secret_change(s_.infisical_secrets, &s_.accept, m, change,
                                                  std::move(compared), verdict.event),
                              boost::asio::detached);
    }
    co_return infisical_processed(verdict.event, action, id_texts, checked);
}

}  // namespace agent
