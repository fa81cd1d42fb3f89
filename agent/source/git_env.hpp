#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/environment.hpp"
#include "manifest/manifest.hpp"

namespace agent {

/// Reads an environment variable (nullopt when unset). A seam for tests of credentials.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

/// Looks variables up in `env` (the snapshot the program was started with).
env_lookup lookup_in(environment env);

/// The whole environment of a git command run by the agent, as "NAME=value" entries.
///
/// Only what git needs is passed (PATH, HOME, proxies, CA settings, SSH_AUTH_SOCK): the agent's
/// own secrets (WEBHOOK_SECRET, JWT_SECRET …) never reach git, its hooks or ssh. Git never
/// prompts (GIT_TERMINAL_PROMPT=0, BatchMode for ssh). Configuration goes through
/// GIT_CONFIG_COUNT/KEY/VALUE, never the command line (visible to every process):
///  - safe.directory=*: the checkout is mounted into the agent and owned by another user, which
///    git otherwise refuses; the agent only runs git in the directories its manifest names;
///  - with git.token_env: http.<scheme://host/>.extraHeader "Authorization: Basic
///    base64(token_user:token)", scoped to the remote's host so that a redirect or a submodule
///    elsewhere never sees it;
///  - with git.ssh_key_file: GIT_SSH naming `ssh_wrapper` (empty: the agent's own executable),
///    which runs ssh with that key only and StrictHostKeyChecking=yes against known_hosts_file
///    (source/git_ssh.hpp; no shell, which the sidecar image does not have);
///  - protocol.file.allow=always only when the remote itself is a local path (submodules of a
///    local remote are local too; git refuses them by default since 2.38.1).
/// Throws std::runtime_error when token_env names an unset or empty variable (the message
/// names the variable, never a value).
std::vector<std::string> git_environment(const build_spec::git_spec& git,
                                         std::string_view remote_url, const env_lookup& env,
                                         std::string_view ssh_wrapper = {});

/// "https://host[:port]/" for an http(s) remote URL, or nullopt for other kinds.
std::optional<std::string> http_origin(std::string_view remote_url);

/// True when the URL is a local path or file:// URL.
bool is_local_remote(std::string_view remote_url);

}  // namespace agent
