// The sections of an app that name where deploys come from: triggers.github and
// secrets.infisical (declared in app_sections.hpp).

#include "manifest/app_sections.hpp"
#include "manifest/syntax.hpp"

#include <span>
#include <utility>

namespace agent::manifest_detail {
namespace {

constexpr std::string_view triggers_keys[] = {"github", "gitea", "gitlab"};
constexpr std::string_view github_keys[] = {"repository", "branches",     "tags", "secret_env",
                                            "allow_sha1", "paths", "ignore_paths"};
constexpr std::string_view gitea_keys[] = {"repository", "branches", "tags",
                                           "secret_env", "paths",    "ignore_paths"};
constexpr std::string_view secrets_keys[] = {"infisical"};
constexpr std::string_view infisical_keys[] = {"project", "environment", "path", "keys"};

// Infisical folder paths: "/", or "/" followed by folder names separated by '/'.
bool is_secret_path(std::string_view p) {
    if (!p.starts_with('/')) {
        return false;
    }
    p.remove_prefix(1);
    while (!p.empty()) {
        auto slash = p.find('/');
        std::string_view folder = p.substr(0, slash);
        if (folder.empty() || folder == "." || folder == ".." || !has_only(folder, "_.-")) {
            return false;
        }
        if (slash == std::string_view::npos) {
            break;
        }
        p.remove_prefix(slash + 1);
    }
    return true;
}

// The reason a branch or tag glob cannot be used, or "".
std::string pattern_problem(std::string_view pattern) {
    std::string_view body = pattern.starts_with('!') ? pattern.substr(1) : pattern;
    if (body.empty()) {
        return "is empty";
    }
    if (body.starts_with("refs/")) {
        return "matches the short name: write 'main' or 'v*', not 'refs/heads/main'";
    }
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\\') {
            if (++i == body.size()) {
                return "ends with a lone '\\'";
            }
        } else if (body[i] == '[') {
            // As glob_match reads a class: an optional '!' or '^', then at least one member
            // (which may be ']').
            std::size_t start = i + 1;
            if (start < body.size() && (body[start] == '!' || body[start] == '^')) {
                ++start;
            }
            auto close = body.find(']', start + 1);
            if (close == std::string_view::npos) {
                return "has a '[' without its ']'";
            }
            i = close;
        }
    }
    return "";
}

// Reads a list of glob patterns, checking each one at its own position.
std::vector<std::string> read_patterns(problem_list& problems, const field& f,
                                       std::string_view example, bool& ok) {
    auto list = read_string_list(problems, f, example);
    if (!list) {
        ok = false;
        return {};
    }
    bool any_positive = false;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string& pattern = (*list)[i];
        any_positive = any_positive || !pattern.starts_with('!');
        if (auto problem = pattern_problem(pattern); !problem.empty()) {
            problems.add(f.value[i].Mark(), f.path + ": pattern '" + pattern + "' " + problem);
            ok = false;
        }
    }
    if (!list->empty() && !any_positive) {
        problems.add(f.value_mark(), f.path +
                                         " has only '!' patterns, which match nothing; add "
                                         "a pattern to include, e.g. '*'");
        ok = false;
    }
    return std::move(*list);
}

// A path glob of `paths` / `ignore_paths`: a glob over the repository's paths, never empty.
std::vector<std::string> read_path_globs(problem_list& problems, const field& f, bool& ok) {
    auto list = read_string_list(problems, f, "[\"src/**\"]");
    if (!list) {
        ok = false;
        return {};
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string& glob = (*list)[i];
        std::string problem = glob.starts_with('!') ? "starts with '!': list it in ignore_paths"
                              : glob.starts_with('/')
                                  ? "starts with '/': paths are relative to the repository root"
                                  : pattern_problem(glob);
        if (!problem.empty()) {
            problems.add(f.value[i].Mark(), f.path + ": glob '" + glob + "' " + problem);
            ok = false;
        }
    }
    return std::move(*list);
}

// triggers.github, triggers.gitea (Gitea and Forgejo) or triggers.gitlab.
void parse_forge(problem_list& problems, const field& f, std::optional<github_trigger>& out,
                 std::string_view forge) {
    github_trigger trigger;
    if (forge == "gitea") {
        trigger.secret_env = std::string(default_gitea_secret_env);
    } else if (forge == "gitlab") {
        trigger.secret_env = std::string(default_gitlab_secret_env);
    }
    out = trigger;
    if (!expect_map(problems, f)) {
        return;
    }
    field_map fields(problems, f.value, f.path,
                     forge == "github" ? std::span<const std::string_view>(github_keys)
                                       : std::span<const std::string_view>(gitea_keys),
                     "key", home_of);
    if (const field* repository = fields.get("repository")) {
        if (forge == "github") {
            read_checked(problems, *repository, trigger.repository, is_valid_repository,
                         "is not a GitHub repository (owner/name)");
        } else if (forge == "gitea") {
            read_checked(
                problems, *repository, trigger.repository,
                [](std::string_view r) { return is_valid_forge_path(r, false); },
                "is not a Gitea/Forgejo repository (owner/name)");
        } else {
            read_checked(
                problems, *repository, trigger.repository,
                [](std::string_view r) { return is_valid_forge_path(r, true); },
                "is not a GitLab project path (group/name or group/sub/name)");
        }
    } else {
        problems.add(f.key.Mark(), f.path + " needs 'repository' (" +
                                       (forge == "gitlab" ? "group/sub/name" : "owner/name") +
                                       ")");
    }
    bool lists_ok = true;
    if (const field* branches = fields.get("branches")) {
        trigger.branches = read_patterns(problems, *branches, "[main]", lists_ok);
    }
    if (const field* tags = fields.get("tags")) {
        trigger.tags = read_patterns(problems, *tags, "[\"v*\"]", lists_ok);
    }
    if (lists_ok && trigger.branches.empty() && trigger.tags.empty()) {
        problems.add(f.key.Mark(), f.path +
                                       " needs 'branches' or 'tags' (glob patterns such "
                                       "as [main] or [\"v*\"]); no app deploys on every "
                                       "push");
    }
    if (const field* secret_env = fields.get("secret_env")) {
        read_env_name(problems, *secret_env, trigger.secret_env);
    }
    if (const field* allow_sha1 = fields.get("allow_sha1")) {
        trigger.allow_sha1 = read_bool(problems, *allow_sha1).value_or(false);
    }
    if (const field* paths = fields.get("paths")) {
        trigger.paths = read_path_globs(problems, *paths, lists_ok);
    }
    if (const field* ignore_paths = fields.get("ignore_paths")) {
        trigger.ignore_paths = read_path_globs(problems, *ignore_paths, lists_ok);
    }
    out = std::move(trigger);
}

void parse_infisical(problem_list& problems, const field& f, app_spec& app) {
    infisical_source source;
    app.infisical = source;
    if (!expect_map(problems, f)) {
        return;
    }
    auto slug = [](std::string_view s) {
        return !s.empty() && s.size() <= 128 && has_only(s, "_-");
    };
    field_map fields(problems, f.value, f.path, infisical_keys, "key", home_of);
    if (const field* project = fields.get("project")) {
        read_checked(problems, *project, source.project, slug,
                     "is not an Infisical project id (letters, digits, '_', '-')");
    } else {
        problems.add(f.key.Mark(), f.path + " needs 'project' (the Infisical project id)");
    }
    if (const field* environment = fields.get("environment")) {
        read_checked(problems, *environment, source.environment, slug,
                     "is not an Infisical environment slug (letters, digits, '_', '-')");
    } else {
        problems.add(f.key.Mark(), f.path + " needs 'environment' (e.g. production)");
    }
    if (const field* path = fields.get("path")) {
        read_checked(problems, *path, source.path, is_secret_path,
                     "is not a secret path ('/' or '/folder/sub', letters, digits, '_', '.', "
                     "'-')");
        if (source.path.size() > 1 && source.path.ends_with('/')) {
            source.path.pop_back();
        }
    }
    if (const field* keys = fields.get("keys")) {
        if (auto list = read_string_list(problems, *keys, "[DATABASE_URL]")) {
            for (std::size_t i = 0; i < list->size(); ++i) {
                const std::string& key = (*list)[i];
                if (key.empty() || (key[0] >= '0' && key[0] <= '9') || !has_only(key, "_.-")) {
                    problems.add(keys->value[i].Mark(),
                                 keys->path + ": '" + key + "' is not a secret name");
                }
            }
            source.keys = std::move(*list);
        }
    }
    app.infisical = std::move(source);
}

}  // namespace

void parse_triggers(problem_list& problems, const field& f, app_spec& app) {
    if (!expect_map(problems, f)) {
        return;
    }
    field_map fields(problems, f.value, f.path, triggers_keys, "key", home_of);
    if (const field* github = fields.get("github")) {
        parse_forge(problems, *github, app.github, "github");
    }
    if (const field* gitea = fields.get("gitea")) {
        parse_forge(problems, *gitea, app.gitea, "gitea");
    }
    if (const field* gitlab = fields.get("gitlab")) {
        parse_forge(problems, *gitlab, app.gitlab, "gitlab");
    }
}

void parse_secrets(problem_list& problems, const field& f, app_spec& app) {
    if (!expect_map(problems, f)) {
        return;
    }
    field_map fields(problems, f.value, f.path, secrets_keys, "key", home_of);
    if (const field* infisical = fields.get("infisical")) {
        parse_infisical(problems, *infisical, app);
    }
}

}  // namespace agent::manifest_detail
