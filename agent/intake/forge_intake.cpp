// What the Gitea/Forgejo and GitLab classifications share (forge_detail.hpp), and the choice of
// the forge by its own headers.

#include "intake/forge_intake.hpp"

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "common/escape.hpp"
#include "common/json_member.hpp"
#include "common/text.hpp"
#include "intake/forge_detail.hpp"
#include "intake/github_payload.hpp"

namespace agent {

std::string_view to_string(forge_kind forge) {
    switch (forge) {
        case forge_kind::gitea:
            return "gitea";
        case forge_kind::forgejo:
            return "forgejo";
        case forge_kind::gitlab:
            return "gitlab";
        case forge_kind::github:
            break;
    }
    return "github";
}

forge_kind forge_of(const delivery_view& delivery) {
    if (delivery.header("X-Forgejo-Event") != nullptr) {
        return forge_kind::forgejo;
    }
    if (delivery.header("X-Gitea-Event") != nullptr) {
        return forge_kind::gitea;
    }
    if (delivery.header("X-Gitlab-Event") != nullptr) {
        return forge_kind::gitlab;
    }
    return forge_kind::github;
}

github_verdict classify_forge_delivery(const delivery_view& delivery, const manifest& apps,
                                       const secret_source& secrets,
                                       const github_intake_options& options) {
    switch (forge_of(delivery)) {
        case forge_kind::gitea:
        case forge_kind::forgejo:
            return classify_gitea_delivery(delivery, apps, secrets, options);
        case forge_kind::gitlab:
            return classify_gitlab_delivery(delivery, apps, secrets, options);
        case forge_kind::github:
            break;
    }
    return classify_github_delivery(delivery, apps, secrets, options);
}

}  // namespace agent

namespace agent::forge_detail {

namespace {

bool forge_repo_matches(const app_spec& app, std::string_view forge,
                        const std::optional<std::string>& repo) {
    const github_trigger* trigger = forge_trigger(app, forge);
    return trigger != nullptr && (!repo || iequals(trigger->repository, *repo));
}

}  // namespace

std::vector<std::string> candidate_envs(const manifest& m, std::string_view forge,
                                        std::string_view default_env,
                                        const std::optional<std::string>& repo) {
    std::vector<std::string> envs{std::string(default_env)};
    for (const auto& app : m.apps) {
        if (forge_repo_matches(app, forge, repo)) {
            const std::string& env = forge_trigger(app, forge)->secret_env;
            if (std::find(envs.begin(), envs.end(), env) == envs.end()) {
                envs.push_back(env);
            }
        }
    }
    return envs;
}

std::vector<std::pair<std::string, configured_secret>> configured_secrets(
    const std::vector<std::string>& envs, const secret_source& secrets, std::string& unset) {
    std::vector<std::pair<std::string, configured_secret>> configured;
    for (const auto& env : envs) {
        if (auto secret = secrets.lookup ? secrets.lookup(env) : std::nullopt) {
            configured.emplace_back(env, std::move(*secret));
        } else {
            unset += (unset.empty() ? "" : ", ") + env;
        }
    }
    return configured;
}

void authorize_apps(github_verdict& v, const manifest& m, std::string_view forge,
                    const std::optional<std::string>& repo, std::string& facts) {
    const auto& verified = v.verified_secret_envs;
    for (const auto& app : m.apps) {
        if (repo && forge_repo_matches(app, forge, repo) &&
            std::find(verified.begin(), verified.end(), forge_trigger(app, forge)->secret_env) !=
                verified.end()) {
            v.authorized_apps.push_back(app.name);
        }
    }
    if (!repo || !v.authorized_apps.empty()) {
        return;
    }
    std::string expected;
    for (const auto& app : m.apps) {
        if (forge_repo_matches(app, forge, repo)) {
            expected += (expected.empty() ? "" : ", ") + app.name + " expects " +
                        forge_trigger(app, forge)->secret_env;
        }
    }
    facts += expected.empty() ? ", no app for this repository (triggers." + std::string(forge) + ")"
                              : ", but no app is authorized (" + expected + ")";
}

bool unsigned_delivery(github_verdict& v, const manifest& m, std::string_view forge,
                       std::string_view default_env, const std::optional<std::string>& repo,
                       const github_intake_options& options, bool any_configured,
                       const std::string& unset, const std::string& missing, std::string& facts) {
    if (options.allow_unsigned) {
        v.verified_secret_envs = candidate_envs(m, forge, default_env, repo);
        facts += ", UNSIGNED: accepted because ALLOW_UNSIGNED_WEBHOOKS=true";
        return true;
    }
    if (!any_configured) {
        github_detail::refuse(v, outcome::unavailable, "not_configured", "not configured",
                              "no secret to verify with: " + unset +
                                  " unset or empty (set it, or ALLOW_UNSIGNED_WEBHOOKS=true on "
                                  "test rigs)",
                              facts);
    } else {
        github_detail::refuse(v, outcome::unauthenticated, "missing_signature",
                              "missing signature", missing, facts);
    }
    return false;
}

bool parse_payload(github_verdict& v, std::string_view json_text, rapidjson::Document& doc,
                   const std::string& facts) {
    if (const auto nul = json_text.find('\0'); nul != std::string_view::npos) {
        const std::string where = "malformed JSON at offset " + std::to_string(nul);
        github_detail::refuse(v, outcome::malformed, "bad_json", where + ": a NUL byte",
                              where + ": a NUL byte", facts);
        return false;
    }
    doc.Parse<rapidjson::kParseIterativeFlag>(json_text.data(), json_text.size());
    if (doc.HasParseError()) {
        const std::string where =
            "malformed JSON at offset " + std::to_string(doc.GetErrorOffset());
        const std::string error = GetParseError_En(doc.GetParseError());
        github_detail::refuse(v, outcome::malformed, "bad_json", where + ": " + error,
                              where + ": " + error, facts);
        return false;
    }
    if (!doc.IsObject()) {
        github_detail::refuse(v, outcome::malformed, "bad_json", "JSON payload is not an object",
                              "JSON payload is not an object", facts);
        return false;
    }
    return true;
}

std::optional<std::string> string_of(const rapidjson::Value& object, const char* name) {
    const auto* value = json_member(object, name);
    if (value == nullptr || !value->IsString()) {
        return std::nullopt;
    }
    return std::string(value->GetString(), value->GetStringLength());
}

std::optional<std::string> nested_string(const rapidjson::Value& root, const char* object,
                                         const char* member) {
    const auto* inner = json_member(root, object);
    return inner == nullptr ? std::nullopt : string_of(*inner, member);
}

bool read_push_head(github_verdict& v, const rapidjson::Value& root, const char* repo_object,
                    const char* repo_member, bool (*valid_repo)(std::string_view),
                    github_push& push, const std::string& facts) {
    auto problem =
        github_detail::read_push_head(root, repo_object, repo_member, valid_repo, push);
    if (!problem.empty()) {
        github_detail::refuse(v, outcome::malformed, "bad_payload", "malformed push payload",
                              problem, facts);
        return false;
    }
    if (push.ref.starts_with("refs/heads/")) {
        push.branch = push.ref.substr(11);
    } else if (push.ref.starts_with("refs/tags/")) {
        push.tag = push.ref.substr(10);
    }
    push.created = github_detail::all_zeros(push.before);
    return true;
}

void ignore_event(github_verdict& v, const std::string& facts) {
    v.diagnosis = "event " + v.event + "; " + facts;
    v.result = outcome::done;
    v.what = github_verdict::kind::ignored;
    v.reason = "ignored: event " + v.event;
}

void settle_push(github_verdict& v, github_push push, const std::string& facts) {
    v.diagnosis = v.source + " push " + push.repository + " " + escape_untrusted(push.ref) + " " +
                  push.before + ".." + push.after + (push.created ? " created" : "") + "; " +
                  facts;
    v.push = std::move(push);
    v.result = outcome::done;
    v.what = github_verdict::kind::ignored;
    if (v.push->deleted) {
        v.reason = "ignored: ref deleted";
    } else if (v.push->branch.empty() && v.push->tag.empty()) {
        v.reason = "ignored: not a branch or tag";
    } else {
        v.result = outcome::queued;
        v.what = github_verdict::kind::push;
        v.reason = "accepted";
    }
}

}  // namespace agent::forge_detail
