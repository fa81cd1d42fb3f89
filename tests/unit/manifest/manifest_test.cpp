#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "manifest/manifest.hpp"
#include "manifest/syntax.hpp"

namespace manifest_test {

using namespace agent;

namespace {

// Every problem parse_manifest reports for `yaml` (empty when it parses).
std::vector<std::string> problems_of(const std::string& yaml) {
    try {
        parse_manifest(yaml, "m.yaml");
    } catch (const manifest_error& e) {
        return e.problems();
    }
    return {};
}

bool has(const std::vector<std::string>& problems, const std::string& line) {
    return std::find(problems.begin(), problems.end(), line) != problems.end();
}

std::string join(const std::vector<std::string>& lines) {
    std::string joined;
    for (const auto& line : lines) {
        joined += line + "\n";
    }
    return joined;
}

}  // namespace

TEST_CASE("a misspelt key is reported at its position with a suggestion", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    imgae: nginx:1\n");
    INFO(join(problems));
    CHECK(has(problems, "m.yaml:4:5: unknown key 'imgae' in apps.web (did you mean 'image'?)"));
    // The image is then missing too; both are reported in one pass.
    CHECK(problems.size() == 2);
}

TEST_CASE("unknown keys without a near miss list the allowed keys or their home", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    image: nginx\n"
        "    branches: [main]\n"
        "    triggers:\n"
        "      githob: {}\n"
        "extra: 1\n");
    INFO(join(problems));
    CHECK(has(problems,
              "m.yaml:5:5: unknown key 'branches' in apps.web ('branches' belongs in "
              "apps.<app>.triggers.github)"));
    CHECK(has(problems,
              "m.yaml:7:7: unknown key 'githob' in apps.web.triggers (did you mean "
              "'github'?)"));
    CHECK(has(problems,
              "m.yaml:8:1: unknown key 'extra' at the top level (allowed: version, "
              "apps)"));
}

TEST_CASE("a wrong type is reported at the value", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    image: {name: nginx}\n"
        "    triggers:\n"
        "      github:\n"
        "        repository: example/web\n"
        "        branches: main\n");
    INFO(join(problems));
    CHECK(has(problems, "m.yaml:4:12: apps.web.image must be a string, not a map"));
    CHECK(has(problems,
              "m.yaml:8:19: apps.web.triggers.github.branches must be a list of "
              "strings, e.g. [main], not 'main'"));
    CHECK(problems.size() == 2);
}

TEST_CASE("a duplicate app is reported at the second one", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    image: a\n"
        "  web:\n"
        "    image: b\n");
    INFO(join(problems));
    CHECK(problems ==
          std::vector<std::string>{"m.yaml:5:3: duplicate app 'web' in apps (first at 3:3)"});
}

TEST_CASE("a duplicate key inside an app is reported", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    image: a\n"
        "    image: b\n");
    CHECK(problems ==
          std::vector<std::string>{"m.yaml:5:5: duplicate key 'image' in apps.web (first at 4:5)"});
}

TEST_CASE("strategy pull and build need an image, restart does not", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    container: web\n"
        "  api:\n"
        "    strategy: build\n"
        "    build: {context: /srv/api}\n"
        "  cron:\n"
        "    strategy: restart\n");
    INFO(join(problems));
    CHECK(problems ==
          std::vector<std::string>{"m.yaml:3:3: apps.web: strategy pull needs 'image' (pull is the "
                                   "default strategy; 'strategy: restart' needs no image)",
                                   "m.yaml:5:3: apps.api: strategy build needs 'image'"});
}

TEST_CASE("strategy-specific sections are required and only allowed where used", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  a:\n"
        "    image: a\n"
        "    strategy: build\n"
        "  b:\n"
        "    image: b\n"
        "    build: {context: /srv/b}\n"
        "  c:\n"
        "    image: c\n"
        "    strategy: build\n"
        "    build: {dockerfile: Dockerfile}\n"
        "  d:\n"
        "    strategy: rebuild\n");
    INFO(join(problems));
    CHECK(has(problems, "m.yaml:3:3: apps.a: strategy build needs a 'build' map with 'context'"));
    CHECK(has(problems,
              "m.yaml:8:5: apps.b.build is only used with 'strategy: build' (this "
              "app's strategy is pull)"));
    CHECK(has(problems,
              "m.yaml:12:5: apps.c.build needs 'context' (the directory to build, "
              "e.g. /srv/web)"));
    CHECK(has(problems,
              "m.yaml:14:15: apps.d.strategy must be pull, build or restart, not "
              "'rebuild' (did you mean 'build'?)"));
}

TEST_CASE("a bad duration is reported with the accepted forms", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    image: nginx\n"
        "    health:\n"
        "      timeout: 60x\n"
        "      stable_for: 2h\n");
    INFO(join(problems));
    CHECK(problems == std::vector<std::string>{
                          "m.yaml:6:16: apps.web.health.timeout: '60x' is not a duration (use "
                          "500ms, 60s, 5m, 1h, or a number of seconds)",
                          "m.yaml:7:19: apps.web.health.stable_for (2h) must not exceed timeout "
                          "(1m)"});
}

TEST_CASE("a bad app name is reported at the name", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  Web_App:\n"
        "    image: nginx\n");
    INFO(join(problems));
    CHECK(problems == std::vector<std::string>{
                          "m.yaml:3:3: invalid app name 'Web_App': use lowercase letters, digits, "
                          "'_', '.', '-', starting with a letter or digit, at most 64 "
                          "characters"});
}

TEST_CASE("container and service together are an error", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    container: web\n"
        "    service: stack_web\n"
        "    image: nginx\n");
    CHECK(problems == std::vector<std::string>{
                          "m.yaml:5:5: apps.web: give either 'container' or 'service', not both"});
}

TEST_CASE("a Swarm service with Infisical secrets or auto_redeploy is refused where it says so",
          "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  api:\n"
        "    service: stack_api\n"
        "    image: nginx\n"
        "    secrets:\n"
        "      infisical: { project: p1, environment: prod, path: /api }\n"
        "    auto_redeploy: true\n");
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].starts_with("m.yaml:6:5: apps.api.secrets: a Swarm service gets no secrets "
                                  "from the agent"));
    CHECK(problems[0].find("'container:' instead of 'service:'") != std::string::npos);
    CHECK(problems[1].starts_with("m.yaml:8:5: apps.api.auto_redeploy: a Swarm service is never "
                                  "redeployed on a secret change"));
    CHECK(problems[1].find("remove 'auto_redeploy'") != std::string::npos);
    // Either alone is refused too; the same app as a container is fine.
    CHECK(problems_of("version: 1\napps:\n  api:\n    service: s\n    image: nginx\n"
                      "    secrets:\n      infisical: { project: p1, environment: prod }\n")
              .size() == 1);
    CHECK(problems_of("version: 1\napps:\n  api:\n    service: s\n    image: nginx\n"
                      "    auto_redeploy: true\n")
              .size() == 1);
    CHECK(problems_of("version: 1\napps:\n  api:\n    container: c\n    image: nginx\n"
                      "    secrets:\n      infisical: { project: p1, environment: prod }\n"
                      "    auto_redeploy: true\n")
              .empty());
}

TEST_CASE("names, references and environment variables are checked", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    container: -web\n"
        "    image: Registry.example.com/Web:latest\n"
        "    registry_auth: {username_env: reg_user}\n"
        "    triggers:\n"
        "      github:\n"
        "        repository: not-a-repo\n"
        "        branches: [refs/heads/main]\n"
        "        secret_env: 1SECRET\n");
    INFO(join(problems));
    CHECK(has(problems,
              "m.yaml:4:16: apps.web.container: '-web' is not a valid container name "
              "([a-zA-Z0-9][a-zA-Z0-9_.-]*)"));
    CHECK(has(problems,
              "m.yaml:5:12: apps.web.image: image reference "
              "'Registry.example.com/Web:latest' has an invalid repository path "
              "component 'Web' (lowercase letters and digits, separated by '.', '_', "
              "'__' or '-')"));
    CHECK(has(problems,
              "m.yaml:6:35: apps.web.registry_auth.username_env: 'reg_user' is not an "
              "environment variable name ([A-Z_][A-Z0-9_]*)"));
    CHECK(has(problems,
              "m.yaml:6:5: apps.web.registry_auth needs 'password_env' (the "
              "environment variable holding it)"));
    CHECK(has(problems,
              "m.yaml:9:21: apps.web.triggers.github.repository: 'not-a-repo' is not "
              "a GitHub repository (owner/name)"));
    CHECK(has(problems,
              "m.yaml:10:20: apps.web.triggers.github.branches: pattern "
              "'refs/heads/main' matches the short name: write 'main' or 'v*', not "
              "'refs/heads/main'"));
    CHECK(has(problems,
              "m.yaml:11:21: apps.web.triggers.github.secret_env: '1SECRET' is not an "
              "environment variable name ([A-Z_][A-Z0-9_]*)"));
    CHECK(problems.size() == 7);
}

TEST_CASE("build, secrets and pattern values are checked", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    image: web:local\n"
        "    strategy: build\n"
        "    build:\n"
        "      context: srv/web\n"
        "      dockerfile: ../Dockerfile\n"
        "      args: { 1BAD: x, OK: [1] }\n"
        "      target: -stage\n"
        "      no_cache: maybe\n"
        "      git: { remote: --upload-pack=x, branch: main..x }\n"
        "    secrets:\n"
        "      infisical: { project: 'p 1', path: /a/../b, keys: [GOOD, 9BAD, [x]] }\n"
        "    triggers:\n"
        "      github:\n"
        "        repository: a/b\n"
        "        branches: ['feat/[ab', '!main']\n"
        "  empty:\n");
    INFO(join(problems));
    CHECK(has(problems,
              "m.yaml:7:16: apps.web.build.context: 'srv/web' is not an absolute path "
              "(the checkout as mounted in the agent, e.g. /srv/web)"));
    CHECK(has(problems,
              "m.yaml:8:19: apps.web.build.dockerfile: '../Dockerfile' is not a path inside "
              "build.context"));
    CHECK(has(problems, "m.yaml:9:28: apps.web.build.args.OK must be a string, not a list"));
    CHECK(has(problems, "m.yaml:10:15: apps.web.build.target: '-stage' is not a build stage name"));
    CHECK(has(problems,
              "m.yaml:11:17: apps.web.build.no_cache must be true or false, not "
              "'maybe'"));
    CHECK(has(problems,
              "m.yaml:12:22: apps.web.build.git.remote: '--upload-pack=x' is not a "
              "git remote name (the name of a remote configured in the checkout)"));
    CHECK(has(problems, "m.yaml:12:47: apps.web.build.git.branch: 'main..x' is not a branch name"));
    CHECK(has(problems,
              "m.yaml:14:29: apps.web.secrets.infisical.project: 'p 1' is not an "
              "Infisical project id (letters, digits, '_', '-')"));
    CHECK(has(problems,
              "m.yaml:14:7: apps.web.secrets.infisical needs 'environment' (e.g. "
              "production)"));
    CHECK(has(problems,
              "m.yaml:14:42: apps.web.secrets.infisical.path: '/a/../b' is not a "
              "secret path ('/' or '/folder/sub', letters, digits, '_', '.', '-')"));
    CHECK(has(problems,
              "m.yaml:14:70: each item of apps.web.secrets.infisical.keys must be a "
              "string, not a list"));
    CHECK(has(problems,
              "m.yaml:18:20: apps.web.triggers.github.branches: pattern 'feat/[ab' "
              "has a '[' without its ']'"));
    // An app with no settings reads as an empty map: the default strategy then needs an image.
    CHECK(has(problems,
              "m.yaml:19:3: apps.empty: strategy pull needs 'image' (pull is the "
              "default strategy; 'strategy: restart' needs no image)"));
}

TEST_CASE("a GitHub trigger must name branches or tags", "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    image: nginx\n"
        "    triggers:\n"
        "      github:\n"
        "        repository: example/web\n");
    CHECK(problems == std::vector<std::string>{
                          "m.yaml:6:7: apps.web.triggers.github needs 'branches' or 'tags' (glob "
                          "patterns such as [main] or [\"v*\"]); no app deploys on every push"});
}

TEST_CASE("auto_redeploy needs Infisical secrets, two apps cannot share a container",
          "[manifest]") {
    auto problems = problems_of(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    image: nginx\n"
        "    auto_redeploy: true\n"
        "  copy:\n"
        "    container: web\n"
        "    image: nginx\n");
    INFO(join(problems));
    CHECK(problems == std::vector<std::string>{
                          "m.yaml:5:5: apps.web.auto_redeploy needs secrets.infisical: it "
                          "redeploys the app when those secrets change",
                          "m.yaml:6:3: apps.copy: container 'web' is already driven by app "
                          "'web'"});
}

TEST_CASE("top-level structure problems", "[manifest]") {
    CHECK(problems_of("") ==
          std::vector<std::string>{"m.yaml:1:1: the manifest is empty; it needs 'version: 1' and "
                                   "'apps:'"});
    CHECK(problems_of("- a\n") ==
          std::vector<std::string>{"m.yaml:1:1: the manifest must be a map with 'version: 1' "
                                   "and 'apps:'"});
    CHECK(problems_of("version: 2\napps:\n  web: {image: nginx}\n") ==
          std::vector<std::string>{
              "m.yaml:1:10: unsupported manifest version 2 (this agent reads version 1)"});
    CHECK(problems_of("apps: {}\n") ==
          std::vector<std::string>{"m.yaml:1:1: missing 'version: 1'",
                                   "m.yaml:1:1: apps is empty; name at least one app"});
    CHECK(problems_of("version: 1\n") ==
          std::vector<std::string>{
              "m.yaml:1:1: missing 'apps' (a map of app names to their settings)"});
    CHECK(problems_of("version: 1\napps: [web]\n") ==
          std::vector<std::string>{"m.yaml:2:7: apps must be a map, not a list"});
}

TEST_CASE("a YAML syntax error is reported as FILE:LINE:COL", "[manifest]") {
    auto problems = problems_of("version: 1\napps:\n  web: [a\n  api: b\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].rfind("m.yaml:", 0) == 0);
    CHECK(problems[0].find("YAML syntax error: ") != std::string::npos);
    CHECK(problems_of("a: b: c\n") ==
          std::vector<std::string>{"m.yaml:1:5: YAML syntax error: illegal map value"});
}

TEST_CASE("manifest_error joins every problem into what()", "[manifest]") {
    manifest_error e({"a:1:1: x", "a:2:1: y"});
    CHECK(std::string(e.what()) == "a:1:1: x\na:2:1: y");
    CHECK(e.problems().size() == 2);
}

TEST_CASE("an unreadable file is reported as PATH: cannot read", "[manifest]") {
    try {
        load_manifest("/nonexistent/manifest.yaml");
        FAIL("no error");
    } catch (const manifest_error& e) {
        CHECK(e.problems() ==
              std::vector<std::string>{"/nonexistent/manifest.yaml: cannot read: No such file or "
                                       "directory"});
    }
    CHECK_THROWS_WITH(load_manifest("/tmp"), "/tmp: cannot read: is a directory");
}

TEST_CASE("a full manifest round-trips every field", "[manifest]") {
    manifest m = parse_manifest(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    container: web-1\n"
        "    image: registry.example.com:5000/team/web:1.2@sha256:"
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
        "    strategy: build\n"
        "    build:\n"
        "      context: /srv/web\n"
        "      dockerfile: docker/Dockerfile\n"
        "      no_cache: false\n"
        "      pull: false\n"
        "      args: { KEY: value, NUM: 3 }\n"
        "      target: runtime\n"
        "      git: { remote: upstream, branch: release/1.x }\n"
        "    triggers:\n"
        "      github:\n"
        "        repository: Owner/Web\n"
        "        branches: [main, 'release/**', '!release/old']\n"
        "        tags: ['v*']\n"
        "        secret_env: WEB_WEBHOOK_SECRET\n"
        "        allow_sha1: true\n"
        "    secrets:\n"
        "      infisical: { project: proj-1, environment: production, path: /api/, "
        "keys: [DATABASE_URL] }\n"
        "    auto_redeploy: true\n"
        "    health: { timeout: 2m, stable_for: 500ms }\n"
        "    registry_auth: { username_env: REG_USER, password_env: REG_PASS }\n"
        "  worker:\n"
        "    service: stack_worker\n"
        "    strategy: restart\n",
        "full.yaml");
    CHECK(m.version == 1);
    CHECK(m.source_path == "full.yaml");
    REQUIRE(m.apps.size() == 2);
    const app_spec& web = m.apps[0];
    CHECK(web.name == "web");
    CHECK(web.container == "web-1");
    CHECK_FALSE(web.service);
    CHECK(web.image ==
          "registry.example.com:5000/team/web:1.2@sha256:"
          "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    CHECK(web.strategy == deploy_strategy::build);
    REQUIRE(web.build);
    CHECK(web.build->context == "/srv/web");
    CHECK(web.build->dockerfile == "docker/Dockerfile");
    CHECK_FALSE(web.build->no_cache);
    CHECK_FALSE(web.build->pull);
    CHECK(web.build->args == std::map<std::string, std::string>{{"KEY", "value"}, {"NUM", "3"}});
    CHECK(web.build->target == "runtime");
    REQUIRE(web.build->git);
    CHECK(web.build->git->remote == "upstream");
    CHECK(web.build->git->branch == "release/1.x");
    REQUIRE(web.github);
    CHECK(web.github->repository == "Owner/Web");
    CHECK(web.github->branches == std::vector<std::string>{"main", "release/**", "!release/old"});
    CHECK(web.github->tags == std::vector<std::string>{"v*"});
    CHECK(web.github->secret_env == "WEB_WEBHOOK_SECRET");
    CHECK(web.github->allow_sha1);
    REQUIRE(web.infisical);
    CHECK(web.infisical->project == "proj-1");
    CHECK(web.infisical->environment == "production");
    CHECK(web.infisical->path == "/api");
    CHECK(web.infisical->keys == std::vector<std::string>{"DATABASE_URL"});
    CHECK(web.auto_redeploy);
    CHECK(web.health.timeout == std::chrono::minutes{2});
    CHECK(web.health.stable_for == std::chrono::milliseconds{500});
    REQUIRE(web.registry_auth);
    CHECK(web.registry_auth->username_env == "REG_USER");
    CHECK(web.registry_auth->password_env == "REG_PASS");

    const app_spec& worker = m.apps[1];
    CHECK(worker.name == "worker");
    CHECK(worker.service == "stack_worker");
    CHECK(worker.container.empty());
    CHECK(worker.image.empty());
    CHECK(worker.strategy == deploy_strategy::restart);
    CHECK_FALSE(worker.build);
    CHECK_FALSE(worker.github);
    CHECK_FALSE(worker.infisical);
    CHECK_FALSE(worker.auto_redeploy);
    CHECK(worker.health.timeout == std::chrono::seconds{60});
    CHECK(worker.health.stable_for == std::chrono::seconds{5});

    CHECK(m.find("worker") == &m.apps[1]);
    CHECK(m.find("nope") == nullptr);
    CHECK(to_string(deploy_strategy::pull) == "pull");
    CHECK(to_string(deploy_strategy::build) == "build");
    CHECK(to_string(deploy_strategy::restart) == "restart");
}

TEST_CASE("defaults: container is the app name, strategy pull, build defaults", "[manifest]") {
    manifest m = parse_manifest(
        "version: 1\n"
        "apps:\n"
        "  web:\n"
        "    image: nginx\n"
        "  site:\n"
        "    image: site:local\n"
        "    strategy: build\n"
        "    build:\n"
        "      context: /srv/site\n"
        "      git: {}\n",
        "m.yaml");
    CHECK(m.apps[0].container == "web");
    CHECK(m.apps[0].strategy == deploy_strategy::pull);
    const build_spec& build = *m.apps[1].build;
    CHECK(build.dockerfile == "Dockerfile");
    CHECK(build.no_cache);
    CHECK(build.pull);
    CHECK_FALSE(build.target);
    CHECK(build.git->remote == "origin");
    CHECK(build.git->branch == "main");
}

TEST_CASE("every manifest in manifests/ parses", "[manifest]") {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(DA_SOURCE_DIR "/manifests")) {
        files.push_back(entry.path());
    }
    REQUIRE(files.size() >= 5);
    for (const auto& file : files) {
        INFO(file.string());
        CHECK(file.extension() == ".yaml");
        try {
            manifest m = load_manifest(file.string());
            CHECK_FALSE(m.apps.empty());
        } catch (const manifest_error& e) {
            FAIL(e.what());
        }
    }
}

TEST_CASE("manifests/example.yaml is the quick-start app", "[manifest]") {
    manifest m = load_manifest(DA_SOURCE_DIR "/manifests/example.yaml");
    REQUIRE(m.apps.size() == 1);
    const app_spec& web = m.apps[0];
    CHECK(web.name == "web");
    CHECK(web.container == "example-web");
    CHECK(web.image == "deploy-agent-example/web:latest");
    CHECK(web.strategy == deploy_strategy::restart);
    REQUIRE(web.github);
    CHECK(web.github->repository == "example/web");
    CHECK(web.github->branches == std::vector<std::string>{"main"});
    CHECK(web.github->tags.empty());
}

TEST_CASE("image references", "[manifest]") {
    for (const char* good :
         {"nginx", "nginx:1.25", "library/nginx:latest", "localhost/web", "localhost:5000/web:1",
          "registry.example.com/a/b/c:v1.2.3-rc_1", "ghcr.io/owner/my__app", "a-b--c_d/f:TAG",
          "web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
          "0123456789abcdef"}) {
        INFO(good);
        CHECK_FALSE(image_reference_problem(good));
    }
    for (const char* bad :
         {"", "Nginx", "nginx:", "nginx:-x", "web@sha256:abc", "a//b", "a/", "bad host:1/x", "-web",
          "web.", "a b", "reg.io:port/x", "registry.example.com/Web"}) {
        INFO(bad);
        CHECK(image_reference_problem(bad));
    }
}

TEST_CASE("durations, names and did-you-mean", "[manifest]") {
    CHECK(parse_duration("500ms") == std::chrono::milliseconds{500});
    CHECK(parse_duration("60s") == std::chrono::seconds{60});
    CHECK(parse_duration("5m") == std::chrono::minutes{5});
    CHECK(parse_duration("1h") == std::chrono::hours{1});
    CHECK(parse_duration("30") == std::chrono::seconds{30});
    for (const char* bad : {"", "s", "-1s", "1.5s", "1m30s", " 1s", "1 s", "1d", "1234567890"}) {
        INFO(bad);
        CHECK_FALSE(parse_duration(bad));
    }
    CHECK(format_duration(std::chrono::milliseconds{1500}) == "1500ms");
    CHECK(format_duration(std::chrono::seconds{90}) == "90s");
    CHECK(format_duration(std::chrono::minutes{2}) == "2m");
    CHECK(format_duration(std::chrono::hours{3}) == "3h");
    CHECK(format_duration(std::chrono::milliseconds{0}) == "0s");

    CHECK(is_valid_app_name("web"));
    CHECK(is_valid_app_name("0.web_a-b"));
    CHECK_FALSE(is_valid_app_name("Web"));
    CHECK_FALSE(is_valid_app_name("_web"));
    CHECK_FALSE(is_valid_app_name(std::string(65, 'a')));
    CHECK(is_valid_container_name("Web_1.x-y"));
    CHECK_FALSE(is_valid_container_name("/web"));
    CHECK(is_valid_env_name("WEBHOOK_SECRET"));
    CHECK(is_valid_env_name("_X1"));
    CHECK_FALSE(is_valid_env_name("1X"));
    CHECK_FALSE(is_valid_env_name("lower"));
    CHECK(is_valid_repository("octo-org/my.repo_1"));
    CHECK_FALSE(is_valid_repository("-octo/repo"));
    CHECK_FALSE(is_valid_repository("octo/.."));
    CHECK_FALSE(is_valid_repository("octo/repo/x"));

    constexpr std::string_view keys[] = {"image", "container", "strategy"};
    CHECK(closest_match("imgae", keys) == "image");
    CHECK(closest_match("Image", keys) == "image");
    CHECK(closest_match("stratgey", keys) == "strategy");
    CHECK_FALSE(closest_match("branches", keys));
    CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("input that makes yaml-cpp's LoadAll loop forever is refused, not hung on", "[manifest]") {
    // Found by tests/fuzz/manifest_fuzz.cpp; kept in tests/fuzz/known.
    const std::string path = std::string(DA_SOURCE_DIR) + "/tests/fuzz/known/yaml_cpp_loadall_hang.yaml";
    CHECK_THROWS_AS(agent::load_manifest(path), agent::manifest_error);
}

TEST_CASE("a second YAML document is reported at its marker", "[manifest]") {
    const std::string text =
        "version: 1\napps:\n  web:\n    strategy: restart\n"
        "    triggers: {github: {repository: a/b, branches: [main]}}\n---\nfoo: 1\n";
    try {
        agent::parse_manifest(text, "m.yaml");
        FAIL("a two-document manifest was accepted");
    } catch (const agent::manifest_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("m.yaml:6:1: a manifest is one YAML document"));
    }
}

TEST_CASE("notify: urls and outcomes are read, and wrong ones reported at their place",
          "[manifest]") {
    auto m = parse_manifest("version: 1\napps:\n  web:\n    image: web:latest\n    strategy: pull\n"
                            "    notify:\n      urls: [\"ntfy://ntfy.sh/web\"]\n"
                            "      on: [failed, succeeded]\n",
                            "m.yaml");
    REQUIRE(m.apps.at(0).notify);
    CHECK(m.apps[0].notify->urls == std::vector<std::string>{"ntfy://ntfy.sh/web"});
    CHECK(m.apps[0].notify->on == std::vector<std::string>{"failed", "succeeded"});
    auto problems = problems_of(
        "version: 1\napps:\n  web:\n    image: web:latest\n    notify:\n"
        "      urls: [\"https://ok.example.com/h\", \"ftp://x/y\"]\n      on: [failed, exploded]\n");
    INFO(join(problems));
    CHECK(has(problems, "m.yaml:6:42: apps.web.notify.urls[1] is not an http(s)://, ntfy://, "
                        "slack+https:// or discord+https:// URL"));
    CHECK(has(problems, "m.yaml:7:11: apps.web.notify.on: 'exploded' is not an outcome (failed, "
                        "rolled_back, recovered, succeeded)"));
    CHECK(problems.size() == 2);
    auto missing = problems_of("version: 1\napps:\n  web:\n    image: web:latest\n    notify: {}\n");
    CHECK(has(missing, "m.yaml:5:5: apps.web.notify needs 'urls' (e.g. [\"ntfy://ntfy.sh/my-topic\"])"));
}

TEST_CASE("triggers.gitea and triggers.gitlab: defaults, paths and errors at their position",
          "[manifest][forge]") {
    const manifest m = parse_manifest("version: 1\n"
                                      "apps:\n"
                                      "  web:\n"
                                      "    image: x\n"
                                      "    triggers:\n"
                                      "      gitea: { repository: my_org/web.site, branches: [main] }\n"
                                      "      gitlab:\n"
                                      "        repository: group/sub/web\n"
                                      "        tags: [\"v*\"]\n"
                                      "        secret_env: WEB_GITLAB_TOKEN\n"
                                      "        paths: [\"src/**\"]\n"
                                      "        ignore_paths: [\"src/**/*.md\"]\n",
                                      "m.yaml");
    const app_spec& web = m.apps.at(0);
    REQUIRE(web.gitea);
    CHECK(web.gitea->repository == "my_org/web.site");
    CHECK(web.gitea->secret_env == "GITEA_WEBHOOK_SECRET");
    REQUIRE(web.gitlab);
    CHECK(web.gitlab->secret_env == "WEB_GITLAB_TOKEN");
    CHECK(web.gitlab->paths == std::vector<std::string>{"src/**"});
    CHECK(web.gitlab->ignore_paths == std::vector<std::string>{"src/**/*.md"});
    CHECK_FALSE(web.github);
    CHECK(forge_trigger(web, "gitlab") == &*web.gitlab);
    CHECK(forge_trigger(web, "github") == nullptr);

    auto problems = problems_of("version: 1\n"
                                "apps:\n"
                                "  web:\n"
                                "    image: x\n"
                                "    triggers:\n"
                                "      gitea: { repository: a/b/c, branches: [main], allow_sha1: true }\n"
                                "      gitlab:\n"
                                "        repository: lonely\n"
                                "        branches: [main]\n"
                                "        paths: [\"/src/**\", \"!docs\"]\n");
    INFO(join(problems));
    CHECK(has(problems, "m.yaml:6:28: apps.web.triggers.gitea.repository: 'a/b/c' is not a "
                        "Gitea/Forgejo repository (owner/name)"));
    CHECK(has(problems, "m.yaml:8:21: apps.web.triggers.gitlab.repository: 'lonely' is not a "
                        "GitLab project path (group/name or group/sub/name)"));
    CHECK(has(problems, "m.yaml:10:17: apps.web.triggers.gitlab.paths: glob '/src/**' starts "
                        "with '/': paths are relative to the repository root"));
    CHECK(has(problems, "m.yaml:10:28: apps.web.triggers.gitlab.paths: glob '!docs' starts "
                        "with '!': list it in ignore_paths"));
    CHECK(std::any_of(problems.begin(), problems.end(), [](const std::string& p) {
        return p.starts_with("m.yaml:6:") && p.find("allow_sha1") != std::string::npos;
    }));
}

}  // namespace manifest_test
