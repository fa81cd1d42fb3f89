#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace agent {

/// A program to run to completion with a deadline and bounded output.
struct process_spec {
    std::vector<std::string> argv;  ///< argv[0] is looked up in the PATH of `env`
    std::string working_dir;        ///< empty: the agent's own
    std::vector<std::string> env;   ///< the child's whole environment, "NAME=value" each
    std::chrono::milliseconds deadline{std::chrono::minutes{5}};
    std::size_t output_limit = 256u * 1024u;  ///< bytes kept per stream; the rest is drained
};

/// How it ended and what it printed.
struct process_result {
    int exit_code = -1;      ///< -1 when it did not exit by itself (signal, deadline)
    int signal = 0;          ///< the signal that ended it, if any
    bool timed_out = false;  ///< the deadline passed and its process group was killed
    std::string out;         ///< stdout, at most output_limit bytes
    std::string err;         ///< stderr, at most output_limit bytes
    bool truncated = false;  ///< some output beyond output_limit was dropped

    bool ok() const { return exit_code == 0; }
};

/// Runs `spec` in a process group of its own, stdin from /dev/null, and blocks until it ends
/// or the deadline passes; then the whole group (e.g. git and the ssh it started) is killed.
/// Throws std::system_error when the program cannot be started (not found, no pipes).
/// Blocking: call it off the event loop (source/git_runner.hpp does).
process_result run_process(const process_spec& spec);

}  // namespace agent
