#pragma once

// A real OpenSSH server as a git remote, for the build strategy's SSH deploy keys.

#include <filesystem>
#include <string>

#include "support/engine.hpp"
#include "support/fixtures.hpp"

namespace test {

/// sshd in a container on the engine under test, serving one bare git repository to the user
/// `git`, who logs in with one ed25519 client key only. The image is built FROM scratch out of
/// this machine's files: the sshd that scripts/lib.sh's da_sshd unpacked (DA_TEST_SSHD, never
/// installed), git, busybox as the login shell, and the libraries ldd names for them. Port 22 is
/// published on 127.0.0.1 only. The container, the image and the key files are removed at scope
/// exit.
class ssh_git_server {
  public:
    /// The repository inside the container (a bare repository, branch main, owned by `git`).
    static constexpr const char* repository_path = "/srv/git/app.git";

    /// Makes the keys, builds the image, runs it and waits until sshd listens. Fails the test
    /// (never skips) when DA_TEST_SSHD is unset or the server does not come up.
    ssh_git_server();
    ~ssh_git_server();
    ssh_git_server(const ssh_git_server&) = delete;
    ssh_git_server& operator=(const ssh_git_server&) = delete;

    /// The port on 127.0.0.1 where sshd answers.
    unsigned short port() const { return port_; }
    /// ssh://git@127.0.0.1:PORT/srv/git/app.git
    std::string url() const;
    /// The client's private key (mode 0600), whose public key is the server's only authorized key.
    std::filesystem::path client_key() const { return keys_.path / "client_ed25519"; }
    /// A known_hosts holding the server's host key for [127.0.0.1]:PORT.
    std::filesystem::path known_hosts() const { return keys_.path / "known_hosts"; }
    /// A known_hosts holding another ed25519 key for [127.0.0.1]:PORT: what ssh sees when the
    /// server's key changed, or when someone else answers in its place.
    std::filesystem::path foreign_known_hosts() const { return keys_.path / "foreign_known_hosts"; }
    /// An ssh command line for test setup (git's core.sshCommand): the client key, no agent, no
    /// prompts, strict host key checking against known_hosts().
    std::string ssh_command() const;
    /// sshd's own log (`docker logs`; it runs with -e and LogLevel VERBOSE): why a login failed.
    std::string log() const;

  private:
    temp_dir keys_{"da-ssh-keys"};
    temp_dir context_{"da-ssh-ctx"};
    scoped_images images_;
    const std::string image_;
    scoped_container container_;
    unsigned short port_ = 0;
};

}  // namespace test
