#include "planner/planner.hpp"

#include <algorithm>

#include "common/text.hpp"

namespace agent {
namespace {

// "" → "/", "api/" → "/api": the forms Infisical payloads use for the same folder.
std::string normalize_secret_path(std::string_view path) {
    std::string normalized = path.starts_with('/') ? std::string(path) : "/" + std::string(path);
    while (normalized.size() > 1 && normalized.back() == '/') {
        normalized.pop_back();
    }
    return normalized;
}

bool is_secret_change(std::string_view event) {
    return event == "secrets.modified" || event == "secret.modified" || event == "secret.created" ||
           event == "secret.updated" || event == "secret.deleted";
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// What an app must be for any secret change to redeploy it, wherever the change is.
bool may_auto_redeploy(const app_spec& app, const auto_redeploy_policy& policy) {
    return policy.enabled && app.auto_redeploy && app.infisical && !app.service &&
           (!policy.apps || listed(*policy.apps, app.name));
}

planned_job secret_change_job(const app_spec& app) {
    return planned_job{app.name, "deploy", "infisical", "", "", true};
}

std::optional<std::string_view> optional_env(const environment& env, const char* name) {
    if (const char* value = env.get(name)) {
        return std::string_view(value);
    }
    return std::nullopt;
}

}  // namespace

auto_redeploy_policy parse_auto_redeploy_policy(std::optional<std::string_view> enabled,
                                                std::optional<std::string_view> apps) {
    auto_redeploy_policy policy;
    if (enabled) {
        const std::string flag = to_lower_ascii(trim(*enabled));
        policy.enabled = flag == "true" || flag == "1" || flag == "yes" || flag == "on";
    }
    if (apps && !trim(*apps).empty()) {
        std::vector<std::string> names;
        std::string_view rest = *apps;
        while (!rest.empty()) {
            auto comma = rest.find(',');
            std::string_view name = trim(rest.substr(0, comma));
            if (!name.empty()) {
                names.emplace_back(name);
            }
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
        policy.apps = std::move(names);
    }
    return policy;
}

auto_redeploy_policy auto_redeploy_policy_from_environment(const environment& env) {
    return parse_auto_redeploy_policy(optional_env(env, "INFISICAL_AUTO_REDEPLOY"),
                                      optional_env(env, "INFISICAL_AUTO_REDEPLOY_APPS"));
}

bool push_touches_watched_paths(const github_trigger& trigger, const github_push& push) {
    if ((trigger.paths.empty() && trigger.ignore_paths.empty()) || !push.files_complete) {
        return true;
    }
    return std::any_of(push.files.begin(), push.files.end(), [&](const std::string& file) {
        const auto matches = [&](const std::string& glob) { return glob_match(glob, file); };
        return (trigger.paths.empty() ||
                std::any_of(trigger.paths.begin(), trigger.paths.end(), matches)) &&
               std::none_of(trigger.ignore_paths.begin(), trigger.ignore_paths.end(), matches);
    });
}

push_plan plan_forge_push(const manifest& m, const github_push& push) {
    push_plan plan;
    if (push.deleted || push.repository.empty()) {
        return plan;
    }
    std::string_view branch = push.branch;
    std::string_view tag = push.tag;
    std::string_view ref = push.ref;
    if (branch.empty() && tag.empty()) {
        if (ref.starts_with("refs/heads/")) {
            branch = ref.substr(11);
        } else if (ref.starts_with("refs/tags/")) {
            tag = ref.substr(10);
        }
    }
    if (branch.empty() && tag.empty()) {
        return plan;
    }
    for (const app_spec& app : m.apps) {
        const github_trigger* trigger = forge_trigger(app, push.forge);
        if (trigger == nullptr || !iequals(trigger->repository, push.repository)) {
            continue;
        }
        bool selected = (!branch.empty() && patterns_select(trigger->branches, branch)) ||
                        (!tag.empty() && patterns_select(trigger->tags, tag));
        if (!selected) {
            continue;
        }
        if (!push_touches_watched_paths(*trigger, push)) {
            plan.skipped_by_paths.push_back(app.name);
            continue;
        }
        plan.jobs.push_back(
            planned_job{app.name, "deploy", push.forge, push.commit, push.delivery_id, false});
    }
    return plan;
}

push_plan plan_forge_push(const manifest& m, const github_push& push,
                          const std::vector<std::string>& authorized_apps) {
    push_plan plan = plan_forge_push(m, push);
    const auto unauthorized = [&](const std::string& app) {
        return std::find(authorized_apps.begin(), authorized_apps.end(), app) ==
               authorized_apps.end();
    };
    std::erase_if(plan.jobs, [&](const planned_job& j) { return unauthorized(j.app); });
    std::erase_if(plan.skipped_by_paths, unauthorized);
    return plan;
}

std::vector<planned_job> plan_github_push(const manifest& m, const github_push& push) {
    return plan_forge_push(m, push).jobs;
}

std::vector<planned_job> plan_github_push(const manifest& m, const github_push& push,
                                          const std::vector<std::string>& authorized_apps) {
    return plan_forge_push(m, push, authorized_apps).jobs;
}

bool change_covers(std::string_view changed, std::string_view app_path) {
    const std::string change = normalize_secret_path(changed);
    const std::string path = normalize_secret_path(app_path);
    if (change.find_first_of("*?[") != std::string::npos) {
        if (glob_match(change, path)) {
            return true;
        }
        // "/x/**" is "/x" and everything below: the folder itself too.
        return change.ends_with("/**") &&
               normalize_secret_path(std::string_view(change).substr(0, change.size() - 3)) == path;
    }
    return change == "/" || change == path ||
           (path.size() > change.size() && path.starts_with(change) && path[change.size()] == '/');
}

std::vector<planned_job> plan_infisical_change(const manifest& m, const infisical_change& change,
                                               const auto_redeploy_policy& policy) {
    if (!is_secret_change(change.event)) {
        return {};
    }
    std::vector<planned_job> jobs;
    for (const app_spec& app : m.apps) {
        if (!may_auto_redeploy(app, policy)) {
            continue;
        }
        const infisical_source& source = *app.infisical;
        if ((!change.project.empty() && source.project != change.project) ||
            (!change.environment.empty() && source.environment != change.environment) ||
            !change_covers(change.secret_path, source.path)) {
            continue;
        }
        if (change.secret_key && !source.keys.empty() && !listed(source.keys, *change.secret_key)) {
            continue;
        }
        jobs.push_back(secret_change_job(app));
    }
    return jobs;
}

std::vector<planned_job> plan_secret_poll(const manifest& m, const auto_redeploy_policy& policy) {
    std::vector<planned_job> jobs;
    for (const app_spec& app : m.apps) {
        if (may_auto_redeploy(app, policy)) {
            jobs.push_back(secret_change_job(app));
        }
    }
    return jobs;
}

std::vector<app_spec> planned_apps(const manifest& m, const std::vector<planned_job>& jobs) {
    std::vector<app_spec> apps;
    for (const planned_job& job : jobs) {
        if (const app_spec* app = m.find(job.app)) {
            apps.push_back(*app);
        }
    }
    return apps;
}

std::optional<planned_job> plan_manual(const manifest& m, const manual_request& request) {
    const app_spec* app = m.find(request.app);
    if (!app) {
        return std::nullopt;
    }
    return planned_job{app->name, "deploy", request.actor == "cli" ? "cli" : "api",
                       "",        "",       request.force};
}

}  // namespace agent
