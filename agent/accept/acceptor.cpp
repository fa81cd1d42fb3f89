#include "accept/acceptor.hpp"

#include <chrono>
#include <exception>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "common/iso8601.hpp"
#include "common/log.hpp"
#include "intake/refusal_codes.hpp"
#include "metrics/agent_metrics.hpp"

namespace agent {

namespace {

// The deliveries counter's reason label: a refusal code, or "other" (never free text: each
// distinct value is a series of its own).
std::string_view reason_label(std::string_view verdict, std::string_view reason) {
    if (verdict != "refused") {
        return {};
    }
    return is_refusal_code(reason) ? reason : "other";
}

// Nobody waits for a delivery that queued nothing: a failure is logged.
struct log_failure final : delivery_completion {
    void complete(std::exception_ptr error, std::vector<std::int64_t>) override {
        if (!error) {
            return;
        }
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            spdlog::error("could not record a delivery: {}", e.what());
        }
    }
};

}  // namespace

acceptor::acceptor(group_committer& committer, delivery_log& history, deploy_queue& queue,
                   accepted_deliveries accepted)
    : committer_(committer), history_(history), queue_(queue), accepted_(std::move(accepted)) {}

seen_before acceptor::seen(std::string_view delivery_id, const std::string& replay_key,
                           std::int64_t now_ms) const {
    seen_before seen;
    seen.delivery_accepted = !delivery_id.empty() && accepted_.contains(delivery_id, now_ms);
    seen.replay = !replay_key.empty() &&
                  (replays_.seen(replay_key, now_ms) || history_.replay_seen(replay_key, now_ms));
    return seen;
}

in_flight_lookup acceptor::in_flight() const {
    return [&queue = queue_](std::string_view app, std::string_view commit) {
        return queue.in_flight_for(app, commit);
    };
}

boost::asio::awaitable<std::vector<std::int64_t>> acceptor::accept(delivery_record delivery,
                                                                   std::vector<planned_job> jobs) {
    if (delivery.received_at_ms == 0) {
        delivery.received_at_ms = unix_millis(std::chrono::system_clock::now());
    }
    delivery.verdict = "accepted";
    if (!jobs.empty()) {
        delivery.reason = fmt::format("{} deployment(s) queued", jobs.size());
    }
    const std::string key = delivery.replay_key;
    const std::string id = delivery.id;
    const std::int64_t received_at_ms = delivery.received_at_ms;
    if (!key.empty()) {
        replays_.remember(key, delivery.replay_expires_at_ms, delivery.received_at_ms);
    }
    metrics::count_delivery(metrics::process_metrics(), delivery.source,
                            jobs.empty() ? "accepted" : "queued", "");
    std::vector<std::int64_t> ids;
    try {
        ids = co_await record_delivery_async(committer_, std::move(delivery), jobs);
    } catch (...) {
        replays_.forget(key);
        throw;
    }
    accepted_.add(id, received_at_ms, unix_millis(std::chrono::system_clock::now()));
    if (ids.size() != jobs.size()) {
        throw std::runtime_error(
            fmt::format("the store gave {} ids for {} jobs", ids.size(), jobs.size()));
    }
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        queue_.submit(deploy_job{ids[i], std::move(jobs[i])});
    }
    co_return ids;
}

void acceptor::note(delivery_record delivery) {
    metrics::count_delivery(metrics::process_metrics(), delivery.source, delivery.verdict,
                            reason_label(delivery.verdict, delivery.reason));
    record_relaxed(std::move(delivery));
}

void acceptor::note_flood_summary(std::string_view source, std::string_view summary) {
    std::string reason = "flood: ";
    reason += summary;
    record_relaxed(delivery_record{"", std::string(source), "", "refused", std::move(reason), 0});
}

void acceptor::record_relaxed(delivery_record delivery) {
    if (delivery.received_at_ms == 0) {
        delivery.received_at_ms = unix_millis(std::chrono::system_clock::now());
    }
    // A flood of refused requests must not cost an fsync per burst.
    try {
        committer_.submit(std::move(delivery), {}, std::make_unique<log_failure>(),
                          durability::relaxed);
    } catch (const std::exception& e) {
        spdlog::error("could not record a delivery: {}", e.what());
    }
}

void acceptor::count_refused(std::string_view source, std::string_view reason) {
    metrics::count_delivery(metrics::process_metrics(), source, "refused",
                            reason_label("refused", reason));
}

}  // namespace agent
