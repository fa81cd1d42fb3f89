#pragma once

// Real git repositories for the source-sync tests: a bare repository as the remote, a
// developer's clone that commits and pushes, and the checkout the agent deploys from.

#include <filesystem>
#include <string>

#include "support/fixtures.hpp"

namespace test {

/// Runs `command` with /bin/sh in `dir`; fails the test when it fails. Returns trimmed stdout.
std::string sh(const std::filesystem::path& dir, const std::string& command);

/// An `ssh` in `dir`/bin that stands in for OpenSSH on PATH: it writes its arguments on one
/// line to `args_file` and runs the remote command (its last argument) locally, so that an
/// ssh:// remote whose path is a local bare repository works.
struct fake_ssh {
    std::filesystem::path bin;        // put first on PATH
    std::filesystem::path args_file;  // the arguments of the last call
};
fake_ssh write_fake_ssh(const std::filesystem::path& dir);

class git_repos {
  public:
    git_repos();
    /// Commits `content` to `file` in the developer clone and pushes to main; returns the id.
    std::string commit_and_push(const std::string& file, const std::string& content);
    /// Force-pushes main back to `commit`.
    void force_push(const std::string& commit);
    std::string head_of_checkout() const;

    temp_dir root;
    std::filesystem::path bare;      ///< the remote
    std::filesystem::path dev;       ///< where commits are made
    std::filesystem::path checkout;  ///< build.context
};

}  // namespace test
