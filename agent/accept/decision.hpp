#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intake/events.hpp"
#include "intake/github_intake.hpp"
#include "intake/infisical_intake.hpp"
#include "manifest/manifest.hpp"
#include "planner/planned_job.hpp"
#include "planner/planner.hpp"

// The accept stage's decision: from what intake made of a delivery (or a request, or a poll),
// the manifest, what was accepted before and what is in flight, whether to ignore it, call it a
// duplicate, refuse it or accept it with its jobs. Pure: no I/O, no clock, no state; the effect
// (record, submit, count) is the acceptor's (accept/acceptor.hpp).

namespace agent {

/// What the history says of a delivery: its id and its replay key, looked up beforehand.
struct seen_before {
    bool delivery_accepted = false;  ///< a delivery with this id was accepted (a redelivery)
    bool replay = false;             ///< its replay key belongs to an accepted delivery
};

/// The id of a deployment queued or running for `app` at `commit`, if any.
using in_flight_lookup =
    std::function<std::optional<std::int64_t>(std::string_view app, std::string_view commit)>;

/// What to do with one delivery or request.
struct accept_decision {
    enum class kind { ignore, duplicate, refuse, accept };

    kind what = kind::ignore;
    /// Why, in a few words, for the answer, the log line and the history (never a secret): the
    /// intake's reason or refusal code, "duplicate: …", "ignored: no app deploys …".
    std::string reason;
    /// accept: the jobs to record and submit, in manifest order (for an Infisical change: the
    /// apps whose secrets are compared after the answer).
    std::vector<planned_job> jobs;
    /// duplicate because the same commit is already queued or running: those deployments.
    std::vector<std::int64_t> in_flight;
};

/// A GitHub (Gitea, GitLab) delivery: refused → refuse (reason: the refusal code); ping and
/// ignored → ignore; a push already accepted (by delivery id, or by replay key) → duplicate;
/// a push no authorized app deploys → ignore; a push whose every job is for a commit already in
/// flight (and not forced) → duplicate; otherwise accept with the jobs left. The apps are the
/// planner's, among the verdict's authorized_apps (plan_github_push).
accept_decision decide_github_delivery(const manifest& m, const github_verdict& verdict,
                                       const seen_before& seen, const in_flight_lookup& in_flight);

/// An Infisical delivery: refused → refuse; test and ignored → ignore; a replay → duplicate;
/// a change → accept, with the jobs plan_infisical_change gives (the apps that may redeploy).
accept_decision decide_infisical_delivery(const manifest& m, const infisical_verdict& verdict,
                                          const seen_before& seen,
                                          const auto_redeploy_policy& policy);

/// A deploy asked for by hand from `source` ("api", "status-page"): refuse ("unknown app")
/// when the manifest has no such app; otherwise accept with its one job, whose trigger is
/// `source` whatever the caller's subject says.
accept_decision decide_manual_request(const manifest& m, const manual_request& request,
                                      std::string_view source);

/// After the secrets of the planner's jobs were compared (the check after an Infisical change,
/// or a poll): accept with the `planned` jobs whose app is among `changed` and still in the
/// manifest, or ignore when none is left. Chooses no app of its own.
accept_decision decide_secret_redeploy(const manifest& m, std::vector<planned_job> planned,
                                       const std::vector<std::string>& changed);

}  // namespace agent
