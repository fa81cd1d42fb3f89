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

bool path_covers(const std::string& changed, const std::string& app_path) {
    return changed == "/" || app_path == changed || app_path.starts_with(changed + "/");
}

bool is_secret_change(std::string_view event) {
    return event == "secrets.modified" || event == "secret.created" || event == "secret.updated" ||
           event == "secret.deleted";
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

std::vector<planned_job> plan_github_push(const manifest& m, const github_push& push) {
    if (push.deleted || push.repository.empty()) {
        return {};
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
        return {};
    }
    std::vector<planned_job> jobs;
    for (const app_spec& app : m.apps) {
        if (!app.github || !iequals(app.github->repository, push.repository)) {
            continue;
        }
        bool selected = (!branch.empty() && patterns_select(app.github->branches, branch)) ||
                        (!tag.empty() && patterns_select(app.github->tags, tag));
        if (selected) {
            jobs.push_back(
                planned_job{app.name, "deploy", "github", push.commit, push.delivery_id, false});
        }
    }
    return jobs;
}

std::vector<planned_job> plan_github_push(const manifest& m, const github_push& push,
                                          const std::vector<std::string>& authorized_apps) {
    std::vector<planned_job> jobs = plan_github_push(m, push);
    std::erase_if(jobs, [&](const planned_job& j) {
        return std::find(authorized_apps.begin(), authorized_apps.end(), j.app) ==
               authorized_apps.end();
    });
    return jobs;
}

std::vector<planned_job> plan_infisical_change(const manifest& m, const infisical_change& change,
                                               const auto_redeploy_policy& policy) {
    if (!policy.enabled || !is_secret_change(change.event)) {
        return {};
    }
    std::string changed_path = normalize_secret_path(change.secret_path);
    std::vector<planned_job> jobs;
    for (const app_spec& app : m.apps) {
        if (!app.auto_redeploy || !app.infisical) {
            continue;
        }
        if (policy.apps &&
            std::find(policy.apps->begin(), policy.apps->end(), app.name) == policy.apps->end()) {
            continue;
        }
        const infisical_source& source = *app.infisical;
        if (source.project != change.project || source.environment != change.environment ||
            !path_covers(changed_path, normalize_secret_path(source.path))) {
            continue;
        }
        if (change.secret_key && !source.keys.empty() &&
            std::find(source.keys.begin(), source.keys.end(), *change.secret_key) ==
                source.keys.end()) {
            continue;
        }
        jobs.push_back(planned_job{app.name, "deploy", "infisical", "", "", true});
    }
    return jobs;
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
