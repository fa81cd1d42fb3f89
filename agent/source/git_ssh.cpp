#include "source/git_ssh.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace agent {

std::vector<std::string> git_ssh_environment(std::string_view wrapper, std::string_view key_file,
                                             std::string_view known_hosts_file) {
    return {"GIT_SSH=" + std::string(wrapper), "GIT_SSH_VARIANT=ssh",
            std::string(git_ssh_key_variable) + "=" + std::string(key_file),
            std::string(git_ssh_known_hosts_variable) + "=" + std::string(known_hosts_file)};
}

std::vector<std::string> git_ssh_arguments(std::string_view key_file,
                                           std::string_view known_hosts_file,
                                           const std::vector<std::string>& git_args) {
    std::vector<std::string> args{"ssh",
                                  "-i",
                                  std::string(key_file),
                                  "-o",
                                  "IdentitiesOnly=yes",
                                  "-o",
                                  "BatchMode=yes",
                                  "-o",
                                  "StrictHostKeyChecking=yes",
                                  "-o",
                                  "UserKnownHostsFile=" + std::string(known_hosts_file)};
    args.insert(args.end(), git_args.begin(), git_args.end());
    return args;
}

std::string this_executable() {
    // The running agent's /proc entry, not the path it links to: git (a child, same user) can
    // run it even when the file was replaced or removed since the agent started, e.g. by an
    // upgrade in place, for as long as the agent runs.
    return "/proc/" + std::to_string(::getpid()) + "/exe";
}

std::optional<int> run_as_git_ssh_if_asked(const environment& env, int argc, char** argv) {
    const char* key = env.get(git_ssh_key_variable);
    const char* known_hosts = env.get(git_ssh_known_hosts_variable);
    if (key == nullptr || known_hosts == nullptr) {
        return std::nullopt;
    }
    std::vector<std::string> args =
        git_ssh_arguments(key, known_hosts, std::vector<std::string>(argv + 1, argv + argc));
    std::vector<char*> c_args;
    for (auto& a : args) {
        c_args.push_back(a.data());
    }
    c_args.push_back(nullptr);
    // ssh gets the environment git gave this process (source/git_env.hpp), as it was read.
    std::vector<std::string> entries = env.entries();
    std::vector<char*> c_env;
    for (auto& e : entries) {
        c_env.push_back(e.data());
    }
    c_env.push_back(nullptr);
    ::execvpe("ssh", c_args.data(), c_env.data());
    const int error = errno;
    std::cerr << "deploy-agent (as git's ssh): cannot run ssh: " << std::strerror(error)
              << (error == ENOENT ? " (the sidecar image has it; elsewhere install "
                                    "openssh-client)"
                                  : "")
              << "\n";
    return 127;
}

}  // namespace agent
