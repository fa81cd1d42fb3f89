#include "cli/cli.hpp"
#include "source/git_ssh.hpp"

int main(int argc, char** argv) {
    // Started by git as its GIT_SSH for a deploy key: become ssh (source/git_ssh.hpp).
    if (auto exit_code = agent::run_as_git_ssh_if_asked(argc, argv)) {
        return *exit_code;
    }
    return agent::run_cli(argc, argv);
}
