#include "support/ssh_server.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "support/eventually.hpp"
#include "support/git_repos.hpp"

namespace test {

namespace fs = std::filesystem;

namespace {

// The sshd binary unpacked by scripts/lib.sh's da_sshd: ROOT/usr/sbin/sshd, where ROOT also
// holds the libraries it needs that this machine lacks (libwrap).
fs::path sshd_binary() {
    const char* path = std::getenv("DA_TEST_SSHD");
    if (path == nullptr || *path == '\0') {
        FAIL(
            "DA_TEST_SSHD is not set: scripts/test sets it. By hand: "
            "source scripts/lib.sh && da_sshd (it downloads openssh-server with apt-get download "
            "and unpacks it under /var/cache/deploy-agent/openssh-server, without installing "
            "it), then run ctest in that shell");
    }
    INFO("DA_TEST_SSHD=" << path << ": run scripts/lib.sh's da_sshd again");
    REQUIRE(fs::is_regular_file(path));
    return path;
}

fs::path unpacked_root(const fs::path& sshd) {
    return sshd.parent_path().parent_path().parent_path();
}

// Copies `file` to the same path under `rootfs`, or for a file under `unpacked`, to its path
// inside that tree (libwrap from the .deb lands in /usr/lib/x86_64-linux-gnu, on the loader's
// default search path: a scratch image has no ld.so.cache).
void copy_into(const fs::path& rootfs, const fs::path& unpacked, const fs::path& file) {
    std::string relative = file.string();
    if (relative.starts_with(unpacked.string() + "/")) {
        relative = relative.substr(unpacked.string().size());
    }
    fs::path target = rootfs / fs::path(relative).relative_path();
    fs::create_directories(target.parent_path());
    fs::copy_file(file, target, fs::copy_options::skip_existing);
}

// The shared libraries `binary` loads, as ldd resolves them (the loader included).
std::set<fs::path> libraries_of(const fs::path& binary, const fs::path& unpacked) {
    std::string out = sh("/", "LD_LIBRARY_PATH='" + unpacked.string() +
                                  "/lib/x86_64-linux-gnu:" + unpacked.string() +
                                  "/usr/lib/x86_64-linux-gnu' ldd '" + binary.string() + "'");
    INFO("ldd " << binary << ":\n" << out);
    REQUIRE(out.find("not found") == std::string::npos);
    std::set<fs::path> libs;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string first;
        std::string arrow;
        std::string resolved;
        words >> first >> arrow >> resolved;
        if (arrow == "=>" && resolved.starts_with("/")) {
            libs.insert(resolved);
        } else if (first.starts_with("/")) {
            libs.insert(first);  // the loader: "/lib64/ld-linux-x86-64.so.2 (0x…)"
        }
    }
    return libs;
}

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

// Sessions run `sh -c "git-upload-pack '/srv/git/app.git'"` as `git`: busybox is that shell, and
// git runs its builtins when called by their names. The files come from a build context whose
// owners and modes follow this machine's umask, so sshd's ownership checks are off.
constexpr const char* sshd_config =
    "Port 22\n"
    "HostKey /etc/ssh/ssh_host_ed25519_key\n"
    "AuthorizedKeysFile /etc/ssh/authorized_keys\n"
    "PubkeyAuthentication yes\n"
    "PasswordAuthentication no\n"
    "KbdInteractiveAuthentication no\n"
    "UsePAM no\n"
    "StrictModes no\n"
    "AllowUsers git\n"
    "LogLevel VERBOSE\n";

constexpr const char* dockerfile =
    "FROM scratch\n"
    "COPY rootfs/ /\n"
    "RUN git init -q --bare -b main /srv/git/app.git && busybox chown -R git:git /srv/git\n"
    "LABEL io.deploy-agent.test=1\n"
    "EXPOSE 22\n"
    "CMD [\"/usr/sbin/sshd\", \"-D\", \"-e\"]\n";

// The server's host key and the client's key pair, made here so that the test knows both.
void make_keys(const fs::path& keys, const fs::path& etc_ssh) {
    fs::create_directories(etc_ssh);
    sh(keys, "ssh-keygen -q -t ed25519 -N '' -C da-test-client -f client_ed25519");
    sh(keys, "ssh-keygen -q -t ed25519 -N '' -C da-test-host -f '" +
                 (etc_ssh / "ssh_host_ed25519_key").string() + "'");
    sh(keys, "ssh-keygen -q -t ed25519 -N '' -C da-test-foreign -f foreign_host_ed25519");
    fs::copy_file(keys / "client_ed25519.pub", etc_ssh / "authorized_keys");
}

void make_rootfs(const fs::path& rootfs, const fs::path& sshd) {
    const fs::path unpacked = unpacked_root(sshd);
    copy_into(rootfs, unpacked, sshd);
    copy_into(rootfs, unpacked, "/usr/bin/git");
    copy_into(rootfs, unpacked, "/bin/busybox");
    for (const fs::path& binary : {sshd, fs::path("/usr/bin/git")}) {
        for (const auto& lib : libraries_of(binary, unpacked)) {
            copy_into(rootfs, unpacked, lib);
        }
    }
    // On sshd's default PATH (/usr/local/bin:/usr/bin:/bin:/usr/games).
    fs::create_symlink("git", rootfs / "usr/bin/git-upload-pack");
    fs::create_symlink("git", rootfs / "usr/bin/git-receive-pack");
    fs::create_symlink("busybox", rootfs / "bin/sh");
    // `sshd` is the privilege separation user, chrooted into /run/sshd.
    write_file(rootfs / "etc/passwd",
               "root:x:0:0:root:/root:/bin/sh\n"
               "sshd:x:100:65534:sshd:/run/sshd:/bin/false\n"
               "git:x:1000:1000:git:/srv/git:/bin/sh\n");
    write_file(rootfs / "etc/group", "root:x:0:\nnogroup:x:65534:\ngit:x:1000:\n");
    write_file(rootfs / "etc/nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\n");
    write_file(rootfs / "etc/ssh/sshd_config", sshd_config);
    fs::create_directories(rootfs / "run/sshd");
    fs::create_directories(rootfs / "srv/git");
    fs::create_directories(rootfs / "tmp");
}

// "[127.0.0.1]:PORT TYPE KEY": how ssh names a host on a port other than 22.
std::string known_hosts_line(unsigned short port, const fs::path& public_key_file) {
    std::istringstream words(read_bytes(public_key_file.string()));
    std::string type;
    std::string key;
    words >> type >> key;
    return "[127.0.0.1]:" + std::to_string(port) + " " + type + " " + key + "\n";
}

}  // namespace

ssh_git_server::ssh_git_server()
    : image_(unique_name("da-test/sshd") + ":latest"), container_(unique_name("da-sshd")) {
    const fs::path sshd = sshd_binary();
    const fs::path rootfs = context_.path / "rootfs";
    make_keys(keys_.path, rootfs / "etc/ssh");
    make_rootfs(rootfs, sshd);
    write_file(context_.path / "Dockerfile", dockerfile);
    images_.add(image_);
    docker_ok({"build", "-q", "-t", image_, context_.path.string()});
    docker_ok({"run", "-d", "--name", container_.name(), "--label", "io.deploy-agent.test=1", "-p",
               "127.0.0.1:0:22", image_});

    // Tests send traffic to loopback only.
    std::string mapping = docker_ok({"port", container_.name(), "22/tcp"});
    mapping = mapping.substr(0, mapping.find('\n'));
    REQUIRE(mapping.starts_with("127.0.0.1:"));
    port_ = static_cast<unsigned short>(std::stoi(mapping.substr(mapping.rfind(':') + 1)));

    write_file(known_hosts(), known_hosts_line(port_, rootfs / "etc/ssh/ssh_host_ed25519_key.pub"));
    write_file(foreign_known_hosts(),
               known_hosts_line(port_, keys_.path / "foreign_host_ed25519.pub"));

    bool listening =
        eventually([&] { return log().find("Server listening on") != std::string::npos; },
                   std::chrono::seconds(20));
    INFO("sshd log:\n" << log());
    REQUIRE(listening);
}

ssh_git_server::~ssh_git_server() = default;

std::string ssh_git_server::url() const {
    return "ssh://git@127.0.0.1:" + std::to_string(port_) + repository_path;
}

std::string ssh_git_server::ssh_command() const {
    return "ssh -i " + client_key().string() +
           " -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes"
           " -o UserKnownHostsFile=" +
           known_hosts().string();
}

std::string ssh_git_server::log() const {
    return docker({"logs", container_.name()}).output;
}

}  // namespace test
