// `deploy-agent doctor` through the built binary, against the real engine: a healthy setup, then
// each broken one with the message it must print.
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <catch2/catch.hpp>

#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/fake_infisical.hpp"
#include "support/fixtures.hpp"
#include "support/git_repos.hpp"

namespace doctor_test {

namespace {

const std::string good_secret = "0123456789abcdef0123456789abcdef";
const std::string jwt_secret = "fedcba9876543210fedcba9876543210";

std::string manifest_for(const std::string& container) {
    return "version: 1\napps:\n  doctor-app:\n    container: " + container +
           "\n    strategy: restart\n    triggers:\n      github:\n"
           "        repository: example/doctor\n        branches: [main]\n";
}

std::pair<int, std::string> doctor(const std::string& container,
                                   std::map<std::string, std::string> env) {
    const std::string manifest = test::write_temp_file("manifest.yaml", manifest_for(container));
    env.emplace("WEBHOOK_SECRET", good_secret);
    env.emplace("JWT_SECRET", jwt_secret);
    env.emplace("INFISICAL_WEBHOOK_SECRET", "");
    return test::run_agent_command({"doctor", "--manifest", manifest}, env);
}

// Runs `deploy-agent doctor` as another user (the image's case: not root, maybe without the
// socket's group); returns {exit code, output}.
std::pair<int, std::string> doctor_as(uid_t uid, gid_t gid, const std::string& manifest,
                                      const std::string& docker_host) {
    // The agent's environment: this process's, with the engine and the webhook secret; built
    // before the fork (no allocation in the child).
    std::vector<std::string> entries = {"DOCKER_HOST=" + docker_host,
                                        "WEBHOOK_SECRET=" + good_secret};
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry(*e);
        if (!entry.starts_with("DOCKER_HOST=") && !entry.starts_with("WEBHOOK_SECRET=")) {
            entries.emplace_back(entry);
        }
    }
    std::vector<char*> envp;
    for (auto& entry : entries) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);
    const char* argv[] = {DA_AGENT_BINARY, "doctor", "--manifest", manifest.c_str(), nullptr};
    int out[2];
    REQUIRE(::pipe(out) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::dup2(out[1], 2);
        ::close(out[0]);
        if (::getuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 ||
                                ::setuid(uid) != 0)) {
            ::_exit(126);
        }
        ::execve(argv[0], const_cast<char**>(argv), envp.data());
        ::_exit(127);
    }
    ::close(out[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

}  // namespace

TEST_CASE("doctor passes a healthy setup", "[e2e][doctor]") {
    const test::test_app app("doctor");
    auto [code, out] = doctor(app.container, {});
    INFO(out);
    CHECK(code == 0);
    CHECK_THAT(out, Catch::Contains("ok    socket: "));
    CHECK_THAT(out, Catch::Contains("ok    engine: Docker Engine "));
    CHECK_THAT(out, Catch::Contains("ok    app doctor-app container: " + app.container + " exists"));
    CHECK_THAT(out, Catch::Contains("ok    secret WEBHOOK_SECRET: fingerprint "));
    CHECK_THAT(out, Catch::Contains("doctor: everything checked is in order"));
    CHECK_THAT(out, !Catch::Contains("FAIL"));
}

TEST_CASE("doctor names a container that does not exist", "[e2e][doctor]") {
    const std::string missing = test::unique_name("da-doctor-missing");
    auto [code, out] = doctor(missing, {});
    INFO(out);
    CHECK(code == 1);
    CHECK_THAT(out, Catch::Contains("FAIL  app doctor-app container: no container is named " +
                                    missing));
    CHECK_THAT(out, Catch::Contains("fix: create the app first"));
    CHECK_THAT(out, Catch::Contains("doctor: 1 problem(s) to fix"));
}

TEST_CASE("doctor explains a socket this user may not use", "[e2e][doctor]") {
    // A socket like the engine's (mode 0660, group root), which a user outside the group may not
    // open; doctor must say which group to add.
    test::temp_dir dir("da-doctor-sock");
    ::chmod(dir.path.c_str(), 0755);
    const std::string path = (dir.path / "docker.sock").string();
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    // Run as root (CI): the child becomes nobody. Otherwise no mode at all lets the owner in.
    ::chmod(path.c_str(), ::getuid() == 0 ? 0660 : 0);
    const std::string manifest = test::write_temp_file("manifest.yaml", manifest_for("web"));
    ::chmod(std::filesystem::path(manifest).parent_path().c_str(), 0755);

    auto [code, out] = doctor_as(65534, 65534, manifest, "unix://" + path);
    ::close(fd);
    INFO(out);
    CHECK(code == 1);
    CHECK_THAT(out, Catch::Contains("FAIL  socket: " + path + " is owned by uid "));
    CHECK_THAT(out, Catch::Contains("may not read and write it"));
    if (::getuid() == 0) {
        CHECK_THAT(out, Catch::Contains("fix: give the agent the socket's group: in compose.yaml "
                                        "`group_add: [\"0\"]`"));
    }
}

TEST_CASE("doctor catches a webhook secret with a trailing newline", "[e2e][doctor]") {
    const test::test_app app("doctor-nl");
    auto [code, out] = doctor(app.container, {{"WEBHOOK_SECRET", good_secret + "\n"}});
    INFO(out);
    CHECK(code == 1);
    CHECK_THAT(out, Catch::Contains("FAIL  secret WEBHOOK_SECRET: ends with a newline"));
    CHECK_THAT(out, Catch::Contains("printf %s, not echo"));
}

TEST_CASE("doctor catches short, padded and reused secrets", "[e2e][doctor]") {
    const test::test_app app("doctor-sec");
    auto [code, out] = doctor(app.container, {{"WEBHOOK_SECRET", " short"},
                                              {"JWT_SECRET", " short"}});
    INFO(out);
    CHECK(code == 1);
    CHECK_THAT(out, Catch::Contains("FAIL  secret WEBHOOK_SECRET: starts or ends with a space"));
    CHECK_THAT(out, Catch::Contains("FAIL  secret WEBHOOK_SECRET: is 6 bytes long: too short"));
    CHECK_THAT(out, Catch::Contains("FAIL  secret WEBHOOK_SECRET: is the same as JWT_SECRET"));
}

TEST_CASE("doctor logs in to the app's registry: good credentials pass, bad ones are named",
          "[e2e][doctor]") {
    test::auth_registry registry;
    const std::string ref = registry.address() + "/" + test::unique_name("da-doctor-pull") + ":v1";
    test::scoped_images images;
    images.add(ref);
    test::docker_ok({"tag", test::busybox_base_image(), ref});
    test::docker_ok({"--config", registry.cli_config(), "push", ref});
    const test::test_app app("doctor-pull");
    const std::string manifest = test::write_temp_file(
        "manifest.yaml",
        "version: 1\napps:\n  doctor-app:\n    container: " + app.container + "\n    image: " + ref +
            "\n    strategy: pull\n    registry_auth: { username_env: REG_USER, password_env: "
            "REG_PASS }\n    triggers:\n      github:\n        repository: example/doctor\n"
            "        branches: [main]\n");
    auto run = [&](const std::string& password) {
        return test::run_agent_command({"doctor", "--manifest", manifest},
                                       {{"WEBHOOK_SECRET", good_secret},
                                        {"REG_USER", test::auth_registry::username},
                                        {"REG_PASS", password}});
    };
    auto [good, good_out] = run(test::auth_registry::password);
    INFO(good_out);
    CHECK(good == 0);
    CHECK_THAT(good_out, Catch::Contains("ok    app doctor-app registry: the registry has " + ref +
                                         " (sha256:"));
    CHECK_THAT(good_out, Catch::Contains("logged in as da-user"));
    auto [bad, bad_out] = run("wrong-password");
    INFO(bad_out);
    CHECK(bad == 1);
    CHECK_THAT(bad_out, Catch::Contains("FAIL  app doctor-app registry: the engine could not fetch " +
                                        ref + " from its registry"));
    CHECK_THAT(bad_out, Catch::Contains("fix: check the credentials"));
}

TEST_CASE("doctor infisical logs in and lists key names, never values, and a missing key fails",
          "[e2e][doctor][secrets]") {
    test::fake_infisical infisical;
    const std::string value = "doctor-e2e-secret-value-91c2";
    infisical.set_secret("proj-d", "prod", "/api", "DB_PASSWORD", value);
    const std::string manifest = test::write_temp_file(
        "manifest.yaml",
        "version: 1\napps:\n  doctor-app:\n    container: da-doctor-unused\n"
        "    strategy: restart\n    secrets:\n      infisical: { project: proj-d, environment: "
        "prod, path: /api, keys: [DB_PASSWORD, API_KEY] }\n");
    const std::map<std::string, std::string> env{
        {"WEBHOOK_SECRET", good_secret},       {"INFISICAL_API_URL", infisical.url()},
        {"INFISICAL_CA_FILE", infisical.ca_file()}, {"INFISICAL_CLIENT_ID", "client-id"},
        {"INFISICAL_CLIENT_SECRET", "client-secret"}};
    auto [missing, missing_out] =
        test::run_agent_command({"doctor", "infisical", "--manifest", manifest}, env);
    INFO(missing_out);
    CHECK(missing == 1);
    CHECK_THAT(missing_out, Catch::Contains("ok    infisical: " + infisical.url() +
                                            " (universal auth)"));
    CHECK_THAT(missing_out, Catch::Contains("FAIL  app doctor-app infisical: proj-d-prod-/api: "
                                            "missing key(s) API_KEY"));
    CHECK_THAT(missing_out, !Catch::Contains("engine"));  // this topic alone

    infisical.set_secret("proj-d", "prod", "/api", "API_KEY", value + "-2");
    auto [good, good_out] =
        test::run_agent_command({"doctor", "infisical", "--manifest", manifest}, env);
    INFO(good_out);
    CHECK(good == 0);
    CHECK_THAT(good_out, Catch::Contains("ok    app doctor-app infisical: proj-d-prod-/api: 2 "
                                         "key(s): API_KEY, DB_PASSWORD"));
    CHECK_THAT(good_out, !Catch::Contains(value));
    CHECK(infisical.logins() == 2);

    auto env_wrong = env;
    env_wrong["INFISICAL_CLIENT_SECRET"] = "wrong";
    auto [refused, refused_out] =
        test::run_agent_command({"doctor", "--manifest", manifest}, env_wrong);
    INFO(refused_out);
    CHECK(refused == 1);
    CHECK_THAT(refused_out, Catch::Contains("FAIL  app doctor-app infisical: "));
    CHECK_THAT(refused_out, Catch::Contains("fix: check INFISICAL_API_URL and the credentials"));
    CHECK_THAT(refused_out, !Catch::Contains("wrong"));
}

TEST_CASE("doctor says whether the engine can update an app's Swarm service", "[e2e][doctor][swarm]") {
    const std::string manifest = test::write_temp_file(
        "manifest.yaml", "version: 1\napps:\n  doctor-svc:\n    service: " +
                             test::unique_name("da-doctor-svc") + "\n    strategy: restart\n");
    auto [plain, plain_out] = doctor("da-doctor-unused", {});
    CHECK_THAT(plain_out, Catch::Contains("ok    swarm: not needed: no app is a Swarm service"));
    test::swarm_session swarm;
    auto [code, out] =
        test::run_agent_command({"doctor", "--manifest", manifest}, {{"WEBHOOK_SECRET", good_secret}});
    INFO(out);
    CHECK_THAT(out, Catch::Contains("ok    swarm: Swarm manager (node "));
    CHECK_THAT(out, Catch::Contains("FAIL  app doctor-svc service: no Swarm service is named"));
}

TEST_CASE("doctor reaches a build app's ssh remote with its deploy key, the agent being git's ssh",
          "[e2e][doctor]") {
    test::git_repos repos;
    // Git starts the agent binary (GIT_SSH), which must exec this ssh with the key options.
    const auto [bin, args_file] = test::write_fake_ssh(repos.root.path);
    const std::string url = "ssh://git@example.invalid" + repos.bare.string();
    test::sh(repos.checkout, "git remote set-url origin " + url);
    std::ofstream(repos.checkout / "Dockerfile") << "FROM scratch\n";
    const std::string key = test::write_temp_file("deploy_key", "a key for the fake ssh\n");
    const std::string known_hosts = test::write_temp_file("known_hosts", "");
    auto app = [&](const std::string& name, const std::string& key_file) {
        return "  " + name + ":\n    container: " + name + "\n    image: da-e2e/" + name +
               ":local\n    strategy: build\n    build:\n      context: " +
               repos.checkout.string() +
               "\n      git: { remote: origin, branch: main, ssh_key_file: " + key_file +
               ", known_hosts_file: " + known_hosts + " }\n    triggers:\n      github:\n" +
               "        repository: example/" + name + "\n        branches: [main]\n";
    };
    const std::string manifest = test::write_temp_file(
        "manifest.yaml", "version: 1\napps:\n" + app("site", key) +
                             app("keyless", "/da-no-such-dir/deploy_key"));
    auto [code, out] = test::run_agent_command(
        {"doctor", "--manifest", manifest},
        {{"WEBHOOK_SECRET", good_secret},
         {"JWT_SECRET", jwt_secret},
         {"INFISICAL_WEBHOOK_SECRET", ""},
         {"PATH", bin.string() + ":/usr/bin:/bin"}});
    INFO(out);
    CHECK(code == 1);  // the apps' containers do not exist
    CHECK_THAT(out, Catch::Contains("ok    app site build context: git checkout; remote "
                                    "'origin' (" + url + ") has branch main"));
    const std::string args = test::read_bytes(args_file.string());
    CHECK_THAT(args, Catch::StartsWith("-i " + key + " -o IdentitiesOnly=yes -o BatchMode=yes "
                                       "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=" +
                                       known_hosts + " "));
    CHECK_THAT(args, Catch::Contains("git@example.invalid"));
    CHECK_THAT(out, Catch::Contains("FAIL  app keyless build context: cannot read the deploy key "
                                    "/da-no-such-dir/deploy_key: No such file or directory"));
}

}  // namespace doctor_test
