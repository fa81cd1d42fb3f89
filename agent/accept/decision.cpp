#include "accept/decision.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/escape.hpp"

namespace agent {

namespace {

accept_decision decided(accept_decision::kind what, std::string reason) {
    return accept_decision{what, std::move(reason), {}, {}};
}

// Why this push is a duplicate of one already accepted, or empty.
std::string duplicate_reason(const github_push& push, const seen_before& seen) {
    if (!push.delivery_id.empty() && seen.delivery_accepted) {
        return fmt::format("duplicate: delivery {} was already accepted", push.delivery_id);
    }
    if (seen.replay) {
        return fmt::format("duplicate: push {}..{} to {} was already accepted",
                           push.before.substr(0, 12), push.after.substr(0, 12),
                           escape_untrusted(push.ref));
    }
    return {};
}

}  // namespace

accept_decision decide_github_delivery(const manifest& m, const github_verdict& verdict,
                                       const seen_before& seen, const in_flight_lookup& in_flight) {
    using kind = accept_decision::kind;
    if (verdict.what == github_verdict::kind::refused) {
        return decided(kind::refuse, verdict.refusal_code);
    }
    if (verdict.what != github_verdict::kind::push || !verdict.push) {
        return decided(kind::ignore, verdict.reason);
    }
    const github_push& push = *verdict.push;
    if (auto reason = duplicate_reason(push, seen); !reason.empty()) {
        return decided(kind::duplicate, std::move(reason));
    }
    push_plan plan = plan_forge_push(m, push, verdict.authorized_apps);
    accept_decision d{kind::accept, {}, std::move(plan.jobs), {}};
    if (d.jobs.empty() && !plan.skipped_by_paths.empty()) {
        return decided(kind::ignore,
                       fmt::format("ignored: the push touches no watched path of {} ({} file(s) "
                                   "changed, none under their paths or all in ignore_paths)",
                                   fmt::join(plan.skipped_by_paths, ", "), push.files.size()));
    }
    if (d.jobs.empty()) {
        return decided(kind::ignore, fmt::format("ignored: no app deploys {} {}", push.repository,
                                                 escape_untrusted(push.ref)));
    }
    // The same commit already queued or running for an app needs no second deploy.
    std::erase_if(d.jobs, [&](const planned_job& j) {
        auto id = in_flight ? in_flight(j.app, j.commit) : std::nullopt;
        if (id && !j.force) {
            d.in_flight.push_back(*id);
            return true;
        }
        return false;
    });
    if (d.jobs.empty()) {
        d.what = kind::duplicate;
        d.reason = fmt::format("duplicate: commit {} is already queued as deployment {}",
                               push.commit.substr(0, 12), fmt::join(d.in_flight, ","));
        return d;
    }
    d.in_flight.clear();
    d.reason = fmt::format("{} deployment(s) queued", d.jobs.size());
    return d;
}

accept_decision decide_infisical_delivery(const manifest& m, const infisical_verdict& verdict,
                                          const seen_before& seen,
                                          const auto_redeploy_policy& policy) {
    using kind = accept_decision::kind;
    if (verdict.what == infisical_verdict::kind::refused) {
        return decided(kind::refuse, verdict.refusal_code);
    }
    if (verdict.what != infisical_verdict::kind::change || !verdict.change) {
        return decided(kind::ignore, verdict.reason);
    }
    if (seen.replay) {
        return decided(kind::duplicate, "duplicate: signature already accepted");
    }
    return accept_decision{
        kind::accept, "secrets changed", plan_infisical_change(m, *verdict.change, policy), {}};
}

accept_decision decide_manual_request(const manifest& m, const manual_request& request,
                                      std::string_view source) {
    std::optional<planned_job> job = plan_manual(m, request);
    if (!job) {
        return decided(accept_decision::kind::refuse, "unknown app");
    }
    job->trigger = std::string(source);
    return accept_decision{
        accept_decision::kind::accept, "deploy asked for", {std::move(*job)}, {}};
}

accept_decision decide_secret_redeploy(const manifest& m, std::vector<planned_job> planned,
                                       const std::vector<std::string>& changed) {
    std::erase_if(planned, [&](const planned_job& j) {
        return m.find(j.app) == nullptr ||
               std::find(changed.begin(), changed.end(), j.app) == changed.end();
    });
    if (planned.empty()) {
        return decided(accept_decision::kind::ignore, "no app's secrets changed");
    }
    return accept_decision{
        accept_decision::kind::accept, "secrets changed", std::move(planned), {}};
}

}  // namespace agent
