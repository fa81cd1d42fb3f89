#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

/// How an app is brought up to date.
enum class deploy_strategy { pull, build, restart };

/// `build:` of an app with strategy build.
struct build_spec {
    std::string context;                      ///< directory (a git checkout mounted into the agent)
    std::string dockerfile = "Dockerfile";
    bool no_cache = true;
    bool pull = true;
    std::map<std::string, std::string> args;
    std::optional<std::string> target;
    /// A build that takes longer is cancelled (the daemon stops it when the client goes).
    std::chrono::milliseconds timeout{std::chrono::minutes{30}};
    struct git_spec {
        std::string remote = "origin";
        std::string branch = "main";
        /// Uncommitted changes and untracked files in the checkout are thrown away before the
        /// reset; otherwise a dirty checkout fails the deploy, naming the files.
        bool discard_local_changes = false;
        /// HTTPS: the environment variable holding a token, sent as HTTP basic auth
        /// (token_user:token) to the remote's host only; never on a command line or in a URL.
        std::string token_env;
        std::string token_user = "x-access-token";
        /// SSH: a deploy key file and the known_hosts that the remote's host key must be in.
        std::string ssh_key_file;
        std::string known_hosts_file = "/etc/deploy-agent/known_hosts";
    };
    std::optional<git_spec> git;              ///< fetch + hard reset before building
};

/// `triggers.github:`, `triggers.gitea:` or `triggers.gitlab:` of an app.
struct github_trigger {
    /// "owner/name" (GitLab: "group/sub/name"), compared case-insensitively.
    std::string repository;
    /// Glob patterns for branch names ("main", "release/*"); a leading '!' excludes. Empty = no
    /// branch triggers. The validator requires branches or tags: no app deploys on every push.
    std::vector<std::string> branches;
    std::vector<std::string> tags;            ///< glob patterns; empty = no tag triggers
    std::string secret_env = "WEBHOOK_SECRET";
    bool allow_sha1 = false;                  ///< accept the legacy X-Hub-Signature (sha1)
    /// Globs over the pushed files' paths: a push deploys only when a file matches `paths`
    /// (empty: every file) and not `ignore_paths`. A push whose files are not all known deploys.
    std::vector<std::string> paths;
    std::vector<std::string> ignore_paths;
};

/// The default secret variable of each forge's trigger.
inline constexpr std::string_view default_gitea_secret_env = "GITEA_WEBHOOK_SECRET";
inline constexpr std::string_view default_gitlab_secret_env = "GITLAB_WEBHOOK_TOKEN";

/// `secrets.infisical:` of an app.
struct infisical_source {
    std::string project;
    std::string environment;
    std::string path = "/";
    std::vector<std::string> keys;            ///< empty = every secret at the path
};

struct health_spec {
    std::chrono::milliseconds timeout{std::chrono::seconds{60}};
    std::chrono::milliseconds stable_for{std::chrono::seconds{5}};
};

struct registry_auth_spec {
    std::string username_env;
    std::string password_env;
};

/// `notify:` of an app: where its outcomes are announced besides NOTIFY_URLS (agent/notify/).
struct notify_spec {
    std::vector<std::string> urls;  ///< each accepted by notify::parse_target
    /// failed | rolled_back | recovered | succeeded; default the three but succeeded.
    std::vector<std::string> on{"failed", "rolled_back", "recovered"};
};

/// `status:` of an app: commit statuses posted back to the forge that sent the push
/// (agent/notify/commit_status.hpp, docs/commit-statuses.md).
struct status_spec {
    std::string token_env;  ///< the variable holding the forge API token
    /// Gitea/Forgejo or GitLab base URL ("https://git.example.com", no trailing '/'); GitHub
    /// uses GITHUB_API_URL. https, or http for a loopback host only.
    std::string url;
};

/// One allow-listed app. Only apps named in the manifest are ever touched.
struct app_spec {
    std::string name;
    std::string container;                    ///< defaults to the app name unless `service` is set
    std::optional<std::string> service;       ///< a Swarm service to update instead of a container
    std::string image;                        ///< may be empty for strategy restart
    deploy_strategy strategy = deploy_strategy::pull;
    std::optional<build_spec> build;
    std::optional<github_trigger> github;
    std::optional<github_trigger> gitea;      ///< Gitea and Forgejo
    std::optional<github_trigger> gitlab;
    std::optional<infisical_source> infisical;
    bool auto_redeploy = false;
    health_spec health;
    std::optional<registry_auth_spec> registry_auth;
    /// After a successful recreate, also remove the image the old container ran.
    bool cleanup = false;
    std::optional<notify_spec> notify;
    std::optional<status_spec> status;
};

/// The app's trigger for pushes from `forge` ("github", "gitea", "gitlab"), or nullptr.
inline const github_trigger* forge_trigger(const app_spec& app, std::string_view forge) {
    const std::optional<github_trigger>* trigger = forge == "github"   ? &app.github
                                                   : forge == "gitea"  ? &app.gitea
                                                   : forge == "gitlab" ? &app.gitlab
                                                                       : nullptr;
    return trigger != nullptr && *trigger ? &**trigger : nullptr;
}

/// The whole manifest (version 1). Apps are kept in file order.
struct manifest {
    int version = 1;
    std::string source_path;
    std::vector<app_spec> apps;

    /// The app named `name`, or nullptr.
    const app_spec* find(std::string_view name) const;
};

/// Thrown when a manifest cannot be used; `what()` holds every problem, one
/// `FILE:LINE:COL: message` per line (LINE and COL 1-based).
class manifest_error : public std::runtime_error {
public:
    explicit manifest_error(std::vector<std::string> problems);
    const std::vector<std::string>& problems() const { return problems_; }

private:
    std::vector<std::string> problems_;
};

/// Parses and validates YAML text; `file_name` is used in messages only.
/// Throws manifest_error listing every problem found.
manifest parse_manifest(const std::string& yaml_text, const std::string& file_name);

/// Reads and parses the file at `path`. Throws manifest_error (also when unreadable).
manifest load_manifest(const std::string& path);

/// The bytes of the file at `path` (at most 4 MiB). Throws manifest_error with the one problem
/// "PATH: cannot read: <reason>" when it cannot be opened or read, or is larger.
std::string read_manifest_file(const std::string& path);

/// "pull" | "build" | "restart".
std::string_view to_string(deploy_strategy s);

}  // namespace agent
