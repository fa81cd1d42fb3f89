#include "support/engine.hpp"
#include "support/eventually.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

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

docker_client::client_options engine_client_options() {
    docker_client::client_options o;
    o.host = docker_host();
    return o;
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
    // The build's own label, written into the first instruction, comes first: no layer is
    // shared with another test's build, whose cleanup (rmi) would otherwise remove a cached
    // layer this build is using at that moment. (An `ARG` first was itself such a shared layer.)
    const std::string gen = std::to_string(::getpid()) + "-" + std::to_string(generation++);
    fs::path dir = make_context("FROM " + busybox_base_image() +
                                "\nLABEL io.deploy-agent.generation=" + gen + "\n" +
                                dockerfile_lines + "\n");
    docker_ok({"build", "-q", "-t", tag, dir.string()});
    fs::remove_all(dir);
    return docker_ok({"image", "inspect", "--format", "{{.Id}}", tag});
}

scoped_container::~scoped_container() { docker({"rm", "-f", "-v", name_}); }

scoped_images::~scoped_images() {
    for (const auto& r : refs_) {
        docker({"rmi", "-f", r});
    }
}

scoped_context::scoped_context(const std::string& dockerfile) {
    dir_ = make_context(dockerfile).string();
}

scoped_context::~scoped_context() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void scoped_context::write(const std::string& relative_path, const std::string& content) const {
    fs::path p = fs::path(dir_) / relative_path;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
}

namespace {

int free_loopback_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool registry_answers(const std::string& address) {
    std::string cmd = "curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://" + address + "/v2/";
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (pipe == nullptr) {
        return false;
    }
    std::array<char, 16> buf{};
    std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe);
    ::pclose(pipe);
    std::string code(buf.data(), n);
    return code == "401" || code == "200";
}

}  // namespace

auth_registry::auth_registry() {
    dir_ = (fs::temp_directory_path() / unique_name("da-authreg")).string();
    fs::create_directories(fs::path(dir_) / "data");
    // bcrypt (cost 4) of `password`, precomputed so that no htpasswd tool is needed.
    std::ofstream(fs::path(dir_) / "htpasswd")
        << username << ":$2b$04$aqnVyE4W6SjJ5Mjjv9W2UeiVlwqd.gD5HE9UmsY52TzGlqnzM30Le\n";
    address_ = "127.0.0.1:" + std::to_string(free_loopback_port());
    std::ofstream(fs::path(dir_) / "config.yml")
        << "version: 0.1\nlog: { level: warn }\n"
        << "storage:\n  filesystem: { rootdirectory: " << dir_ << "/data }\n"
        << "http:\n  addr: " << address_ << "\n"
        << "auth:\n  htpasswd:\n    realm: da-test\n    path: " << dir_ << "/htpasswd\n";
    std::string config = dir_ + "/config.yml";
    std::string log = dir_ + "/registry.log";
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::close(fd);
        }
        ::execlp("docker-registry", "docker-registry", "serve", config.c_str(), nullptr);
        ::_exit(127);
    }
    pid_ = pid;
    bool up = false;
    for (int i = 0; i < 80 && !up; ++i) {
        up = registry_answers(address_);
        if (!up) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    REQUIRE(up);
    cli_config_ = dir_ + "/cli";
    fs::create_directories(cli_config_);
    docker_ok({"--config", cli_config_, "login", "-u", username, "-p", password, address_});
}

auth_registry::~auth_registry() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

swarm_mode_lock::swarm_mode_lock() {
    fd_ = ::open("/tmp/da-test-swarm.lock", O_RDWR | O_CREAT, 0666);
    REQUIRE(fd_ >= 0);
    REQUIRE(::flock(fd_, LOCK_EX) == 0);
}

swarm_mode_lock::~swarm_mode_lock() {
    if (fd_ >= 0) {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

swarm_session::swarm_session() {
    std::string state = docker_ok({"info", "--format", "{{.Swarm.LocalNodeState}}"});
    if (state != "active") {
        docker_ok({"swarm", "init", "--advertise-addr", "127.0.0.1"});
        initialised_here_ = true;
    }
}

swarm_session::~swarm_session() {
    if (initialised_here_) {
        docker({"swarm", "leave", "--force"});
        // swarm init made it; leaving does not remove it.
        docker({"network", "rm", "docker_gwbridge"});
    }
}

scoped_services::~scoped_services() {
    for (const auto& n : names_) {
        docker({"service", "rm", n});
    }
}

scoped_networks::~scoped_networks() {
    for (const auto& n : names_) {
        docker({"network", "rm", n});
    }
}

test_app::test_app(const std::string& prefix)
    : image(unique_name("da-e2e/" + prefix) + ":v1"),
      container(unique_name("da-e2e-" + prefix)),
      guard_(container) {
    images_.add(image);
    build_image(image, quick_stop_cmd);
    docker_ok({"run", "-d", "--name", container, "--label", "io.deploy-agent.test=1", image});
}

}  // namespace test
