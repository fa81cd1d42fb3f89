#include "support/git_repos.hpp"

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>

#include <catch2/catch.hpp>

namespace test {

std::string sh(const std::filesystem::path& dir, const std::string& command) {
    std::string full = "cd '" + dir.string() + "' && (" + command + ") 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(full.c_str(), "r"), ::pclose);
    REQUIRE(pipe != nullptr);
    std::string out;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) {
        out.append(buffer.data(), n);
    }
    int status = ::pclose(pipe.release());
    INFO(command << "\n" << out);
    REQUIRE(status == 0);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
        out.pop_back();
    }
    return out;
}

fake_ssh write_fake_ssh(const std::filesystem::path& dir) {
    fake_ssh ssh{dir / "bin", dir / "ssh-args"};
    std::filesystem::create_directories(ssh.bin);
    std::ofstream(ssh.bin / "ssh") << "#!/bin/sh\necho \"$@\" > '" << ssh.args_file.string()
                                   << "'\nfor last; do :; done\nexec sh -c \"$last\"\n";
    std::filesystem::permissions(ssh.bin / "ssh", std::filesystem::perms::owner_all);
    return ssh;
}

namespace {
constexpr const char* identity = "git -c user.name=dev -c user.email=dev@example.com";
}

git_repos::git_repos()
    : root("da-git"), bare(root.path / "remote.git"), dev(root.path / "dev"),
      checkout(root.path / "checkout") {
    sh(root.path, "git init -q --bare -b main remote.git");
    sh(root.path, "git clone -q remote.git dev 2>/dev/null");
    sh(dev, "git checkout -q -b main");
    commit_and_push("README", "first\n");
    sh(root.path, "git clone -q -b main remote.git checkout");
}

std::string git_repos::commit_and_push(const std::string& file, const std::string& content) {
    auto path = dev / file;
    std::filesystem::create_directories(path.parent_path());
    sh(dev, "printf '%s' '" + content + "' > '" + file + "' && git add -A && " + identity +
                " commit -q -m 'change " + file + "' && git push -q origin main");
    return sh(dev, "git rev-parse HEAD");
}

void git_repos::force_push(const std::string& commit) {
    sh(dev, "git reset -q --hard " + commit + " && git push -q --force origin main");
}

std::string git_repos::head_of_checkout() const {
    return sh(checkout, "git rev-parse HEAD");
}

}  // namespace test
