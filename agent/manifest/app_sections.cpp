// The sections of an app that say how it is deployed: build, health and registry_auth
// (declared in app_sections.hpp; triggers and secrets are in app_sources.cpp).

#include "manifest/app_sections.hpp"
#include "manifest/syntax.hpp"

#include <utility>

namespace agent::manifest_detail {
namespace {

constexpr std::string_view build_keys[] = {"context", "dockerfile", "no_cache", "pull",
                                           "args",    "target",     "git",      "timeout"};
constexpr std::string_view git_keys[] = {"remote",       "branch",     "discard_local_changes",
                                         "token_env",    "token_user", "ssh_key_file",
                                         "known_hosts_file"};
constexpr std::string_view health_keys[] = {"timeout", "stable_for"};
constexpr std::string_view registry_auth_keys[] = {"username_env", "password_env"};

// A name that goes into a git command line: never an option, never a path escape.
bool is_git_branch(std::string_view b) {
    return is_word(b, "._/-") && b.find("..") == std::string_view::npos &&
           b.find("//") == std::string_view::npos && !b.ends_with('/') && !b.ends_with('.') &&
           !b.ends_with(".lock");
}

// A key or known_hosts path handed to ssh: absolute and plain (no spaces, quotes or shell
// characters), so that it reads the same in ssh's argv, doctor's lines and the logs.
bool is_plain_absolute_path(std::string_view p) {
    return p.starts_with('/') && has_only(p, "/._-+@=,");
}

void parse_git_credentials(problem_list& problems, const field_map& fields,
                           build_spec::git_spec& git) {
    if (const field* token_env = fields.get("token_env")) {
        read_env_name(problems, *token_env, git.token_env);
    }
    if (const field* user = fields.get("token_user")) {
        read_checked(
            problems, *user, git.token_user, [](std::string_view u) { return is_word(u, "_.-"); },
            "is not a user name for HTTPS (e.g. x-access-token for GitHub, oauth2 for GitLab)");
    }
    for (auto [key, out] : {std::pair{"ssh_key_file", &git.ssh_key_file},
                            std::pair{"known_hosts_file", &git.known_hosts_file}}) {
        if (const field* path = fields.get(key)) {
            read_checked(problems, *path, *out, is_plain_absolute_path,
                         "is not an absolute path of letters, digits and / . _ - + @ = ,");
        }
    }
    if (!git.token_env.empty() && !git.ssh_key_file.empty()) {
        problems.add(fields.get("ssh_key_file")->key.Mark(),
                     "build.git: give either token_env (HTTPS) or ssh_key_file (SSH), not both");
    }
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
        if (const field* discard = fields.get("discard_local_changes")) {
            git.discard_local_changes = read_bool(problems, *discard).value_or(false);
        }
        parse_git_credentials(problems, fields, git);
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
        {"status", "apps.<app>"},
        {"token_env", "apps.<app>.status"},
        {"url", "apps.<app>.status"},
        {"urls", "apps.<app>.notify"},
        {"on", "apps.<app>.notify"},
        {"context", "apps.<app>.build"},
        {"dockerfile", "apps.<app>.build"},
        {"no_cache", "apps.<app>.build"},
        {"args", "apps.<app>.build"},
        {"target", "apps.<app>.build"},
        {"git", "apps.<app>.build"},
        {"remote", "apps.<app>.build.git"},
        {"branch", "apps.<app>.build.git"},
        {"discard_local_changes", "apps.<app>.build.git"},
        {"token_env", "apps.<app>.build.git"},
        {"token_user", "apps.<app>.build.git"},
        {"ssh_key_file", "apps.<app>.build.git"},
        {"known_hosts_file", "apps.<app>.build.git"},
        {"github", "apps.<app>.triggers"},
        {"gitea", "apps.<app>.triggers"},
        {"gitlab", "apps.<app>.triggers"},
        {"paths", "apps.<app>.triggers.github"},
        {"ignore_paths", "apps.<app>.triggers.github"},
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
        if (const field* timeout = fields.get("timeout")) {
            build.timeout = read_duration(problems, *timeout, std::chrono::seconds{10})
                                .value_or(build.timeout);
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
