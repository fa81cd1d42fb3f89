#pragma once

#include <optional>
#include <string>
#include <vector>

namespace agent {

/// A verified GitHub push, reduced to what planning and recording need.
struct github_push {
    std::string delivery_id;   ///< X-GitHub-Delivery, may be empty
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
