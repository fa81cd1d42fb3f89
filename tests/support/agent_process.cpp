#include "support/agent_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "support/engine.hpp"
#include "support/engine_call_recorder.hpp"

extern char** environ;

namespace test {

namespace {

int spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
          const std::string& log_path, std::string binary = DA_AGENT_BINARY) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    std::vector<std::string> envs;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos && env.count(kv.substr(0, eq)) == 0) {
            envs.push_back(kv);
        }
    }
    for (const auto& [k, v] : env) {
        envs.push_back(k + "=" + v);
    }
    std::vector<char*> argv;
    argv.push_back(binary.data());
    std::vector<std::string> a = args;
    for (auto& s : a) {
        argv.push_back(s.data());
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& s : envs) {
        envp.push_back(s.data());
    }
    envp.push_back(nullptr);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::close(fd);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(fd);
    return pid;
}

// Puts the child behind a recorder unless the test names the engine itself.
std::unique_ptr<engine_call_recorder> record_engine_calls(std::map<std::string, std::string>& env) {
    auto recorder = engine_call_recorder::for_child(env.count("DOCKER_HOST") != 0 ||
                                                    env.count("DOCKER_SOCK_PATH") != 0);
    if (recorder) {
        env["DOCKER_HOST"] = recorder->docker_host();
    }
    return recorder;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

agent_process::agent_process(std::vector<std::string> args, std::map<std::string, std::string> env)
    : agent_process(std::move(args), std::move(env), DA_AGENT_BINARY) {}

agent_process::agent_process(std::vector<std::string> args, std::map<std::string, std::string> env,
                             std::string binary) {
    log_path_ = (std::filesystem::temp_directory_path() / (unique_name("da-agent") + ".log")).string();
    recorder_ = record_engine_calls(env);
    pid_ = spawn(args, env, log_path_, std::move(binary));
}

agent_process::~agent_process() {
    if (pid_ > 0) {
        kill_with(SIGTERM);
    }
    std::error_code ignored;
    std::filesystem::remove(log_path_, ignored);
}

bool agent_process::running() {
    if (pid_ <= 0) {
        return false;
    }
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        pid_ = -1;  // reaped: never signal a pid that may since belong to another process
    }
    return r == 0;
}

int agent_process::kill_with(int signal) {
    if (pid_ <= 0) {
        return 0;
    }
    ::kill(pid_, signal);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
}

std::string agent_process::log() const { return read_file(log_path_); }

bool agent_process::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (log().find(text) != std::string::npos) {
            return true;
        }
        if (!running()) {
            return log().find(text) != std::string::npos;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

unsigned short agent_process::port() {
    if (port_ != 0) {
        return port_;
    }
    const std::string marker = "listening on http://";
    INFO("agent log:\n" << log());
    REQUIRE(wait_for_log(marker, std::chrono::seconds(20)));
    std::string text = log();
    auto at = text.find(marker) + marker.size();
    auto end = text.find_first_of(" \n", at);
    std::string addr = text.substr(at, end - at);
    port_ = static_cast<unsigned short>(std::stoi(addr.substr(addr.rfind(':') + 1)));
    return port_;
}

std::pair<int, std::string> run_agent_command(std::vector<std::string> args,
                                              std::map<std::string, std::string> env) {
    std::string log_path =
        (std::filesystem::temp_directory_path() / (unique_name("da-cmd") + ".log")).string();
    auto recorder = record_engine_calls(env);
    int pid = spawn(args, env, log_path);
    int status = 0;
    ::waitpid(pid, &status, 0);
    recorder.reset();
    std::string out = read_file(log_path);
    std::error_code ignored;
    std::filesystem::remove(log_path, ignored);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace test
