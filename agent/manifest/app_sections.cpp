// The sections of an app that say how it is deployed: build, health and registry_auth
// (declared in app_sections.hpp; triggers and secrets are in app_sources.cpp).

#include "manifest/app_sections.hpp"
#include "manifest/syntax.hpp"

#include <utility>

namespace agent::manifest_detail {
namespace {

constexpr std::string_view build_keys[] = {"context", "dockerfile", "no_cache", "pull",
                                           "args",    "target",     "git"};
constexpr std::string_view git_keys[] = {"remote", "branch"};
constexpr std::string_view health_keys[] = {"timeout", "stable_for"};
constexpr std::string_view registry_auth_keys[] = {"username_env", "password_env"};

// A name that goes into a git command line: never an option, never a path escape.
bool is_git_branch(std::string_view b) {
    return is_word(b, "._/-") && b.find("..") == std::string_view::npos &&
           b.find("//") == std::string_view::npos && !b.ends_with('/') && !b.ends_with('.') &&
           !b.ends_with(".lock");
}

void parse_git(problem_list& problems, const field& f, build_spec& build) {
    build_spec::git_spec git;
    if (expect_map(problems, f)) {
        field_map fields(problems, f.value, f.path, git_keys, "key", home_of);
        if (const field* remote = fields.get("remote")) {
            read_checked(
                problems, *remote, git.remote, [](std::string_view r) { return is_word(r, "_.-"); },
                "is not a git remote name (the name of a remote configured in the checkout)");
        }
        if (const field* branch = fields.get("branch")) {
            read_checked(problems, *branch, git.branch, is_git_branch, "is not a branch name");
        }
    }
    build.git = git;
}

}  // namespace

std::string_view home_of(std::string_view key) {
    static constexpr std::pair<std::string_view, std::string_view> homes[] = {
        {"container", "apps.<app>"},
        {"service", "apps.<app>"},
        {"image", "apps.<app>"},
        {"strategy", "apps.<app>"},
        {"build", "apps.<app>"},
        {"triggers", "apps.<app>"},
        {"secrets", "apps.<app>"},
        {"auto_redeploy", "apps.<app>"},
        {"health", "apps.<app>"},
        {"registry_auth", "apps.<app>"},
        {"cleanup", "apps.<app>"},
        {"notify", "apps.<app>"},
        {"urls", "apps.<app>.notify"},
        {"on", "apps.<app>.notify"},
        {"context", "apps.<app>.build"},
        {"dockerfile", "apps.<app>.build"},
        {"no_cache", "apps.<app>.build"},
        {"args", "apps.<app>.build"},
        {"target", "apps.<app>.build"},
        {"git", "apps.<app>.build"},
        {"remote", "apps.<app>.build.git"},
        {"github", "apps.<app>.triggers"},
        {"repository", "apps.<app>.triggers.github"},
        {"branches", "apps.<app>.triggers.github"},
        {"tags", "apps.<app>.triggers.github"},
        {"secret_env", "apps.<app>.triggers.github"},
        {"allow_sha1", "apps.<app>.triggers.github"},
        {"infisical", "apps.<app>.secrets"},
        {"project", "apps.<app>.secrets.infisical"},
        {"environment", "apps.<app>.secrets.infisical"},
        {"keys", "apps.<app>.secrets.infisical"},
        {"timeout", "apps.<app>.health"},
        {"stable_for", "apps.<app>.health"},
        {"username_env", "apps.<app>.registry_auth"},
        {"password_env", "apps.<app>.registry_auth"},
    };
    for (const auto& [name, home] : homes) {
        if (name == key) {
            return home;
        }
    }
    return {};
}

void parse_build(problem_list& problems, const field& f, app_spec& app) {
    build_spec build;
    if (expect_map(problems, f)) {
        field_map fields(problems, f.value, f.path, build_keys, "key", home_of);
        if (const field* context = fields.get("context")) {
            read_checked(
                problems, *context, build.context,
                [](std::string_view c) { return c.starts_with('/'); },
                "is not an absolute path (the checkout as mounted in the agent, e.g. /srv/web)");
        } else {
            problems.add(f.key.Mark(), f.path +
                                           " needs 'context' (the directory to build, "
                                           "e.g. /srv/web)");
        }
        if (const field* dockerfile = fields.get("dockerfile")) {
            read_checked(
                problems, *dockerfile, build.dockerfile,
                [](std::string_view d) {
                    return !d.empty() && !d.starts_with('/') && d != ".." &&
                           !d.starts_with("../") && d.find("/../") == std::string_view::npos;
                },
                "is not a path inside build.context");
        }
        if (const field* no_cache = fields.get("no_cache")) {
            build.no_cache = read_bool(problems, *no_cache).value_or(true);
        }
        if (const field* pull = fields.get("pull")) {
            build.pull = read_bool(problems, *pull).value_or(true);
        }
        if (const field* args = fields.get("args")) {
            if (auto values = read_string_map(problems, *args)) {
                for (const auto& [name, value] : *values) {
                    if ((name[0] >= '0' && name[0] <= '9') || !has_only(name, "_")) {
                        problems.add(args->value_mark(),
                                     args->path + ": '" + name + "' is not a build argument name");
                    }
                }
                build.args = std::move(*values);
            }
        }
        if (const field* target = fields.get("target")) {
            std::string stage;
            read_checked(
                problems, *target, stage, [](std::string_view t) { return is_word(t, "_.-"); },
                "is not a build stage name");
            if (!stage.empty()) {
                build.target = stage;
            }
        }
        if (const field* git = fields.get("git")) {
            parse_git(problems, *git, build);
        }
    }
    app.build = std::move(build);
}

void parse_health(problem_list& problems, const field& f, app_spec& app) {
    if (!expect_map(problems, f)) {
        return;
    }
    field_map fields(problems, f.value, f.path, health_keys, "key", home_of);
    const field* timeout = fields.get("timeout");
    const field* stable_for = fields.get("stable_for");
    if (timeout) {
        app.health.timeout =
            read_duration(problems, *timeout, std::chrono::seconds{1}).value_or(app.health.timeout);
    }
    if (stable_for) {
        app.health.stable_for = read_duration(problems, *stable_for, std::chrono::milliseconds{0})
                                    .value_or(app.health.stable_for);
    }
    if (app.health.stable_for > app.health.timeout) {
        problems.add(stable_for ? stable_for->value_mark() : f.key.Mark(),
                     f.path + ".stable_for (" + format_duration(app.health.stable_for) +
                         ") must not exceed timeout (" + format_duration(app.health.timeout) + ")");
    }
}

void parse_registry_auth(problem_list& problems, const field& f, app_spec& app) {
    registry_auth_spec auth;
    if (expect_map(problems, f)) {
        field_map fields(problems, f.value, f.path, registry_auth_keys, "key", home_of);
        for (auto [key, out] : {std::pair{"username_env", &auth.username_env},
                                std::pair{"password_env", &auth.password_env}}) {
            if (const field* name = fields.get(key)) {
                read_env_name(problems, *name, *out);
            } else {
                problems.add(f.key.Mark(), f.path + " needs '" + std::string(key) +
                                               "' (the environment variable holding it)");
            }
        }
    }
    app.registry_auth = std::move(auth);
}

}  // namespace agent::manifest_detail
