#pragma once

// Source sync: brings an app's git checkout (build.context) to exactly the commit to deploy.
//
// Why the git CLI and not libgit2: the agent drives `git` as a child process. SSH deploy keys
// then work as they do by hand (OpenSSH: known_hosts, ed25519 and security keys, ssh-agent,
// ~/.ssh/config), submodules and every transport git supports behave exactly like the user's
// own `git pull`, and a hung fetch is ended with its whole process group at a deadline, which a
// blocking libgit2 call inside the agent's process cannot be. The price is image size: git and
// openssh-client add about 55 MB installed to the sidecar image (Debian 12: git 45 MB, its
// libcurl and perl dependencies, openssh-client 6 MB), where libgit2 with libssh2 and mbedTLS
// would add about 4 MB, with its own SSH host-key handling and partial submodule support. docs/build-strategy.md has the details.

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "manifest/manifest.hpp"
#include "source/git_env.hpp"

namespace agent {

namespace net = boost::asio;

/// What to sync.
struct source_request {
    std::string checkout;  ///< build.context: the checkout's top directory or one inside it
    build_spec::git_spec git;
    /// The commit to deploy (a push's `after`, 7–40 hex digits); empty: the head of git.branch
    /// on the remote, for manual and API deploys.
    std::string commit;
    /// Deadline of each git command (a first fetch of a big repository can take minutes).
    std::chrono::milliseconds command_timeout{std::chrono::minutes{10}};
    /// The program git runs as GIT_SSH for git.ssh_key_file; empty: the agent's own executable
    /// (source/git_ssh.hpp). Tests name the built agent, since theirs is the test program.
    std::string ssh_wrapper = {};
};

/// The commit the checkout is at after the sync, verified with `git rev-parse HEAD`.
struct source_revision {
    std::string commit;   ///< 40 hex digits
    std::string subject;  ///< the first line of its message
};

/// Why a sync failed, in words for the deployment's record (never a credential).
class source_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Receives one line per step ("fetching origin main", "at 1a2b3c4d5e6f: Fix the header").
using source_log = std::function<void(std::string_view)>;

/// Fetches `git.branch` (and tags) from `git.remote`, fails on a dirty checkout unless
/// git.discard_local_changes (then resets and cleans it; ignored files are kept), checks that
/// the remote has the commit, hard-resets to it, updates submodules when there are any, and
/// verifies HEAD. Throws source_error (a dirty checkout names its files; a commit the remote
/// lacks says so; a git failure carries git's own message).
net::awaitable<source_revision> sync_source(source_request request, source_log log,
                                            env_lookup env);

/// The URL with any user:password@ part replaced by "***@", for messages.
std::string redact_url(std::string_view url);

}  // namespace agent
