#include "notify/notifier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/iso8601.hpp"
#include "common/log.hpp"
#include "notify/notice.hpp"

namespace agent::notify {

struct notifier::state {
    net::any_io_executor executor;
    group_committer& attempts;
    std::unique_ptr<transport> sender;
    manifest_source manifests;
    notifier_options options;
    std::size_t in_flight = 0;
};

namespace {

void record(notifier::state& s, const notice& n, const target& t, std::size_t attempt,
            std::string_view outcome, const post_result& r) {
    // Nobody waits for it: the writer thread records it (a failure is logged there).
    s.attempts.submit(notification_attempt{n.deployment, n.app, t.shown,
                                           static_cast<std::int64_t>(attempt), std::string(outcome),
                                           static_cast<std::int64_t>(r.status), r.error,
                                           unix_millis_now()},
                      nullptr);
}

std::string problem_of(const post_result& r) {
    return r.error.empty() ? fmt::format("answered {}", r.status) : r.error;
}

// One notification to one target, retried with doubling waits until delivered or out of tries.
net::awaitable<void> try_until_delivered(notifier::state& s, const target& t, const notice& n,
                                         const outgoing& request) {
    auto delay = s.options.first_retry;
    for (std::size_t attempt = 1;; ++attempt) {
        post_result r = co_await s.sender->post(t, request, s.options.timeout);
        // 4xx other than 408/429 will not get better by asking again.
        const bool permanent = r.error.empty() && r.status >= 400 && r.status < 500 &&
                               r.status != 408 && r.status != 429;
        const bool last = attempt >= s.options.attempts || permanent;
        const char* outcome = r.delivered() ? "delivered" : last ? "failed" : "retrying";
        record(s, n, t, attempt, outcome, r);
        if (r.delivered()) {
            spdlog::info("notification of deployment {} ({} {}) delivered to {} (attempt {})",
                         n.deployment, n.app, n.result, t.shown, attempt);
            break;
        }
        if (last) {
            spdlog::warn("notification of deployment {} ({} {}) to {}: {}; gave up after {} "
                         "attempt(s)", n.deployment, n.app, n.result, t.shown, problem_of(r), attempt);
            break;
        }
        spdlog::warn("notification of deployment {} to {}: {}; retrying in {} ms", n.deployment,
                     t.shown, problem_of(r), delay.count());
        net::steady_timer timer(s.executor, delay);
        auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
        if (ec) {
            break;  // the agent is stopping
        }
        delay *= 2;
    }
}

net::awaitable<void> deliver(std::shared_ptr<notifier::state> s, target t, notice n,
                             outgoing request) {
    try {
        co_await try_until_delivered(*s, t, n, request);
    } catch (const std::exception& e) {
        // Never out of a detached coroutine: it would end the agent's event loop.
        spdlog::error("notification of deployment {} to {}: {}", n.deployment, t.shown, e.what());
    }
    --s->in_flight;
}

notice notice_of(const deployment_record& d, const std::string& public_url,
                 const std::vector<std::string>& secrets) {
    notice n;
    n.deployment = d.id;
    n.app = d.app;
    n.result = std::string(to_string(d.state));
    n.commit = d.commit;
    n.trigger = d.trigger;
    const std::int64_t began = d.started_at_ms > 0 ? d.started_at_ms : d.created_at_ms;
    n.duration_ms = d.finished_at_ms > began ? d.finished_at_ms - began : 0;
    n.reason = redact(d.error, secrets);
    n.finished_at_ms = d.finished_at_ms;
    if (!public_url.empty()) {
        n.link = public_url + "/deployments/" + std::to_string(d.id);
    }
    return n;
}

// The app's own `notify:` targets and filter; unparsable entries were refused by the manifest.
void add_app_targets(const app_spec* app, std::string_view state,
                     std::vector<target>& out) {
    if (app == nullptr || !app->notify) {
        return;
    }
    std::string problem;
    auto filter = parse_outcomes(app->notify->on, problem);
    if (!filter || !filter->wants(state)) {
        return;
    }
    for (const auto& url : app->notify->urls) {
        if (auto t = parse_target(url, problem)) {
            out.push_back(std::move(*t));
        }
    }
}

}  // namespace

notifier::notifier(net::any_io_executor executor, group_committer& attempts,
                   std::unique_ptr<transport> transport, manifest_source manifests,
                   notifier_options options)
    : state_(std::make_shared<state>(state{std::move(executor), attempts, std::move(transport),
                                           std::move(manifests), std::move(options), 0})) {}

std::size_t notifier::in_flight() const { return state_->in_flight; }

void notifier::deployment_finished(const deployment_record& ended) {
    auto& s = *state_;
    const std::int64_t id = ended.id;
    try {
        const deployment_record* d = &ended;
        if (!is_terminal(d->state)) {
            return;
        }
        const std::string state(to_string(d->state));
        std::vector<target> targets;
        if (s.options.on.wants(state)) {
            targets = s.options.targets;
        }
        auto m = s.manifests ? s.manifests() : nullptr;
        add_app_targets(m ? m->find(d->app) : nullptr, state, targets);
        if (targets.empty()) {
            return;
        }
        notice n = notice_of(*d, s.options.public_url, s.options.secrets);
        for (auto& t : targets) {
            if (s.in_flight >= s.options.max_in_flight) {
                spdlog::warn("notification of deployment {} to {} dropped: {} notifications are "
                             "already being delivered (receivers down?)",
                             id, t.shown, s.in_flight);
                continue;
            }
            outgoing request = render(t, n);
            request.body = redact(std::move(request.body), s.options.secrets);
            ++s.in_flight;
            net::co_spawn(s.executor, deliver(state_, std::move(t), n, std::move(request)),
                          net::detached);
        }
    } catch (const std::exception& e) {
        spdlog::error("notifications of deployment {}: {}", id, e.what());
    }
}

}  // namespace agent::notify
