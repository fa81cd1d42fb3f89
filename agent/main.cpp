#include "cli/cli.hpp"
#include "cli/process_environment.hpp"
#include "source/git_ssh.hpp"

int main(int argc, char** argv) {
    // The environment is read once, here: every stage gets its settings from this snapshot.
    const agent::environment env = agent::read_process_environment();
    // Started by git as its GIT_SSH for a deploy key: become ssh (source/git_ssh.hpp).
    if (auto exit_code = agent::run_as_git_ssh_if_asked(env, argc, argv)) {
        return *exit_code;
    }
    return agent::run_cli(env, argc, argv);
}
