#pragma once

#include <optional>
#include <string>
#include <vector>

namespace agent {

/// A verified forge push (GitHub, Gitea/Forgejo or GitLab), reduced to what planning and
/// recording need.
struct github_push {
    /// "github", "gitea" (Forgejo too) or "gitlab": the manifest trigger it matches
    /// (triggers.<forge>), the trigger recorded, and part of the replay key.
    std::string forge = "github";
    std::string delivery_id;   ///< the forge's delivery id header, may be empty
    std::string repository;    ///< repository.full_name, "owner/name"
    std::string ref;           ///< "refs/heads/main" or "refs/tags/v1.2"
    std::string branch;        ///< set when ref is a branch
    std::string tag;           ///< set when ref is a tag
    std::string before;
    std::string after;
    std::string commit;        ///< the commit to deploy: head_commit.id (for tags), else `after`
    bool created = false;
    bool deleted = false;      ///< `after` is 40 zeros, or `deleted` is true
    bool forced = false;
    std::string pusher;
    /// The paths the carried commits added, modified or removed (each at most once), for
    /// triggers' `paths` / `ignore_paths`.
    std::vector<std::string> files;
    /// True only when `files` covers every commit the push added: the payload carries them all
    /// (its count agrees), the ref existed before, and the forge lists files per commit.
    bool files_complete = false;
};

/// A verified Infisical secret change.
struct infisical_change {
    std::string event;         ///< "secrets.modified", "secret.updated", "test", ...
    std::string project;       ///< project id (projectId / workspaceId / workspace.id)
    std::string environment;   ///< environment slug
    std::string secret_path;   ///< "/" when absent
    std::optional<std::string> secret_key;
};

/// The change as a JSON object for logs and the store: event, project, environment, secretPath,
/// secretKey; empty or absent fields are omitted, never null.
std::string infisical_change_json(const infisical_change& change);

/// A deploy asked for through the API or the CLI.
struct manual_request {
    std::string app;
    bool force = false;        ///< redeploy even when the image is unchanged
    std::string actor;         ///< who asked (token subject, "cli")
};

}  // namespace agent
