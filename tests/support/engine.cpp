#include "support/engine.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <catch2/catch.hpp>

namespace test {

namespace fs = std::filesystem;

std::string docker_host() {
    const char* host = std::getenv("DOCKER_HOST");
    if (host == nullptr || *host == '\0') {
        FAIL("DOCKER_HOST is not set: run the tests through scripts/test, which starts an engine");
    }
    return host;
}

std::string registry() {
    const char* r = std::getenv("DA_TEST_REGISTRY");
    if (r == nullptr || *r == '\0') {
        FAIL("DA_TEST_REGISTRY is not set: run the tests through scripts/test, which starts one");
    }
    return r;
}

namespace {
std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out.push_back(c);
        }
    }
    return out + "'";
}
}  // namespace

command_result docker(const std::vector<std::string>& args) {
    std::string cmd = "DOCKER_HOST=" + shell_quote(docker_host()) + " docker";
    for (const auto& a : args) {
        cmd += " " + shell_quote(a);
    }
    cmd += " 2>&1";
    command_result result;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) {
        result.output.append(buf.data(), n);
    }
    int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string docker_ok(const std::vector<std::string>& args) {
    auto r = docker(args);
    INFO("docker " << (args.empty() ? "" : args.front()) << " output: " << r.output);
    REQUIRE(r.exit_code == 0);
    while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == ' ')) {
        r.output.pop_back();
    }
    return r.output;
}

std::string unique_name(const std::string& prefix) {
    static std::atomic<int> counter{0};
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

namespace {
fs::path make_context(const std::string& dockerfile) {
    fs::path dir = fs::temp_directory_path() / unique_name("da-ctx");
    fs::create_directories(dir);
    fs::copy_file("/bin/busybox", dir / "busybox", fs::copy_options::overwrite_existing);
    std::ofstream(dir / "Dockerfile") << dockerfile;
    return dir;
}
}  // namespace

std::string busybox_base_image() {
    static std::once_flag once;
    static const std::string tag = "da-test/busybox:base";
    std::call_once(once, [] {
        if (docker({"image", "inspect", tag}).exit_code == 0) {
            return;
        }
        fs::path dir = make_context(
            "FROM scratch\nCOPY busybox /bin/busybox\n"
            "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n"
            "LABEL io.deploy-agent.test=1\n");
        docker_ok({"build", "-q", "-t", tag, dir.string()});
        fs::remove_all(dir);
    });
    return tag;
}

std::string build_image(const std::string& tag, const std::string& dockerfile_lines) {
    static std::atomic<int> generation{0};
    fs::path dir = make_context("FROM " + busybox_base_image() + "\n" + dockerfile_lines +
                                "\nARG DA_GENERATION\nLABEL io.deploy-agent.generation=$DA_GENERATION\n");
    std::string gen = std::to_string(::getpid()) + "-" + std::to_string(generation++);
    docker_ok({"build", "-q", "--build-arg", "DA_GENERATION=" + gen, "-t", tag, dir.string()});
    fs::remove_all(dir);
    return docker_ok({"image", "inspect", "--format", "{{.Id}}", tag});
}

scoped_container::~scoped_container() { docker({"rm", "-f", "-v", name_}); }

scoped_images::~scoped_images() {
    for (const auto& r : refs_) {
        docker({"rmi", "-f", r});
    }
}

}  // namespace test
