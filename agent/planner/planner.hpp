#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/environment.hpp"
#include "intake/events.hpp"
#include "manifest/manifest.hpp"
#include "planner/planned_job.hpp"

// The planner turns one verified event into jobs for allow-listed apps. It is the only place that
// decides which apps an event touches, and it only ever names apps of the manifest it is given:
// nothing in a payload or an API call can add an app.

namespace agent {

/// INFISICAL_AUTO_REDEPLOY and INFISICAL_AUTO_REDEPLOY_APPS.
struct auto_redeploy_policy {
    bool enabled = false;
    std::optional<std::vector<std::string>> apps;  ///< nullopt = any app of the manifest
};

/// Builds the policy from the two variables' values (nullopt = unset). `enabled` is true for
/// "true", "1", "yes", "on" (any case, spaces trimmed). `apps` is a comma list; names are
/// trimmed and empty items dropped; an unset or blank list means every app.
auto_redeploy_policy parse_auto_redeploy_policy(std::optional<std::string_view> enabled,
                                                std::optional<std::string_view> apps);

/// parse_auto_redeploy_policy over INFISICAL_AUTO_REDEPLOY and INFISICAL_AUTO_REDEPLOY_APPS in
/// `env`.
auto_redeploy_policy auto_redeploy_policy_from_environment(const environment& env);

/// GitHub-Actions-style glob over the whole of `text`: `*` matches any run of characters
/// except '/', `**` any run including '/', `?` one character except '/', `[abc]`, `[a-z]`,
/// `[!a-z]` / `[^a-z]` one character (never '/') in or not in the class, `\x` a literal x.
/// An unterminated '[' is a literal '['. Runs in O(|pattern| × |text|).
bool glob_match(std::string_view pattern, std::string_view text);

/// True when `name` is selected by an ordered list of patterns: a pattern selects on a match,
/// a pattern starting with '!' deselects on a match, and the last matching pattern wins (as in
/// GitHub Actions `branches:`). An empty list selects nothing.
bool patterns_select(const std::vector<std::string>& patterns, std::string_view name);

/// Whether `push` concerns an app with `trigger` by its files: true when the trigger has no
/// `paths` and no `ignore_paths`, when the push's file list is not complete (the payload
/// cannot tell), or when some pushed file matches a `paths` glob (any file when `paths` is
/// empty) and no `ignore_paths` glob (glob_match over the path from the repository root).
bool push_touches_watched_paths(const github_trigger& trigger, const github_push& push);

/// What a push plans: the jobs, and the apps its branch or tag selected but whose path
/// filters it does not touch (for the reason of a push that deploys nothing).
struct push_plan {
    std::vector<planned_job> jobs;
    std::vector<std::string> skipped_by_paths;
};

/// Jobs for a push from the forge `push.forge`: every app whose triggers.<forge>.repository
/// equals the push's repository (ignoring ASCII case), whose `branches` select the pushed
/// branch or whose `tags` select the pushed tag, and whose path filters the push touches
/// (push_touches_watched_paths). A deleted ref, or a ref that is neither a branch nor a tag,
/// plans nothing. Each job: action "deploy", trigger the forge ("github", "gitea", "gitlab"),
/// commit and delivery id from the push.
push_plan plan_forge_push(const manifest& m, const github_push& push);

/// plan_forge_push among `authorized_apps` only (github_verdict::authorized_apps: the apps
/// whose secret verified the delivery): the one place that chooses the apps a push deploys.
push_plan plan_forge_push(const manifest& m, const github_push& push,
                          const std::vector<std::string>& authorized_apps);

/// plan_forge_push(m, push).jobs.
std::vector<planned_job> plan_github_push(const manifest& m, const github_push& push);

/// plan_forge_push(m, push, authorized_apps).jobs.
std::vector<planned_job> plan_github_push(const manifest& m, const github_push& push,
                                          const std::vector<std::string>& authorized_apps);

/// True when a change Infisical reports at `changed` (a folder such as "/api", or a webhook's
/// path glob such as "/**" or "/api/*") concerns secrets read at `app_path`: the same folder, a
/// folder below a changed parent (children import their parents; "/" covers every folder), or a
/// folder the glob matches ("/x/**" covers "/x" itself too). A change in a sub-folder does not
/// concern its parent, since apps read their own folder only. Both paths are taken with or
/// without their leading and trailing '/' ("api/" is "/api"); an empty path is "/".
bool change_covers(std::string_view changed, std::string_view app_path);

/// Jobs for an Infisical secret change, in manifest order: the apps whose secrets are compared
/// (after the webhook's answer) and, where they changed, redeployed. An app is planned only when
/// the policy is enabled, the app has auto_redeploy: true and secrets.infisical, the policy's
/// list (if any) names it, it is a container (a Swarm service's tasks are Swarm's: the agent
/// injects no secrets there), its project and environment are the change's (a change that names
/// none concerns every one), and change_covers(change's path, its path). When the change names
/// a secret and the app lists `keys`, that secret must be one of them. Events other than
/// secrets.modified, secret.modified, secret.created, secret.updated, secret.deleted plan
/// nothing (a test or a reminder is not a change). Each job: action "deploy", trigger
/// "infisical", force true (the image is unchanged; the secrets are not).
std::vector<planned_job> plan_infisical_change(const manifest& m, const infisical_change& change,
                                               const auto_redeploy_policy& policy);

/// Jobs for a poll of Infisical (INFISICAL_SYNC_INTERVAL_MINUTES), in manifest order: every app
/// plan_infisical_change would plan for a change at its own folder (policy, auto_redeploy,
/// secrets.infisical, the list, not a Swarm service). Jobs as plan_infisical_change's.
std::vector<planned_job> plan_secret_poll(const manifest& m, const auto_redeploy_policy& policy);

/// The manifest's apps that `jobs` name, in the jobs' order; a name the manifest does not have
/// is left out.
std::vector<app_spec> planned_apps(const manifest& m, const std::vector<planned_job>& jobs);

/// The job for a manual request, or nullopt when the manifest has no such app. Trigger "cli"
/// when the actor is "cli", else "api"; action "deploy"; force as requested.
std::optional<planned_job> plan_manual(const manifest& m, const manual_request& request);

}  // namespace agent
