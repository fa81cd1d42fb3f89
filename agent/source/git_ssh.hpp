#pragma once

// SSH for git without a shell.
//
// Git runs GIT_SSH_COMMAND (and core.sshCommand) through /bin/sh, which the sidecar image
// (FROM scratch) does not have. GIT_SSH names one program that git runs directly, with the
// arguments OpenSSH takes. That program is the agent's own executable: started by git with the
// two variables below in its environment, it is not the CLI but a wrapper that execs OpenSSH
// with the app's deploy key and host-key rules in front of git's arguments. No quoting is
// involved anywhere: every word is its own argv entry.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/environment.hpp"

namespace agent {

/// Set only in the environment of the git commands the agent runs (source/git_env.cpp).
inline constexpr std::string_view git_ssh_key_variable = "DEPLOY_AGENT_GIT_SSH_KEY_FILE";
inline constexpr std::string_view git_ssh_known_hosts_variable = "DEPLOY_AGENT_GIT_SSH_KNOWN_HOSTS";

/// The environment entries that make git reach OpenSSH through `wrapper` (the agent's
/// executable) with only this key and strict host key checking against `known_hosts`:
/// GIT_SSH, GIT_SSH_VARIANT=ssh (git passes OpenSSH's options without probing the wrapper
/// with `-G`) and the two variables above.
std::vector<std::string> git_ssh_environment(std::string_view wrapper, std::string_view key_file,
                                             std::string_view known_hosts_file);

/// ssh's whole argv for one call from git: the key and host-key options, then git's arguments
/// (its own options, the host, the remote command).
std::vector<std::string> git_ssh_arguments(std::string_view key_file,
                                           std::string_view known_hosts_file,
                                           const std::vector<std::string>& git_args);

/// The running agent's executable as /proc/PID/exe, the default wrapper.
std::string this_executable();

/// When this process was started by git as its GIT_SSH (both variables set), execs `ssh` from
/// PATH and returns only if that fails: 127, with the reason on stderr. Otherwise nullopt, and
/// the agent runs its CLI.
std::optional<int> run_as_git_ssh_if_asked(const environment& env, int argc, char** argv);

}  // namespace agent
