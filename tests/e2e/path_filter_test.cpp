// Path filters through the built binary: a GitLab push whose files are all ignored deploys
// nothing and says why; one touching a watched file is queued. No engine is needed: the answer
// is what is asserted (the app names no container that exists).
#include <catch2/catch.hpp>

#include "support/agent_process.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"

namespace path_filter_test {

namespace {

const std::string path_token = "path-filter-token";

// A GitLab push moving main from `before` to `after` with one commit touching `file`; every
// commit carried (total_commits_count 1).
std::string gitlab_push(const std::string& before, const std::string& after,
                        const std::string& file) {
    return R"({"object_kind":"push","ref":"refs/heads/main","before":")" + before +
           R"(","after":")" + after + R"(","checkout_sha":")" + after +
           R"(","project":{"path_with_namespace":"acme/sub/web"},"commits":[{"id":")" + after +
           R"(","added":[],"modified":[")" + file + R"("],"removed":[]}],"total_commits_count":1})";
}

}  // namespace

TEST_CASE("a push touching only ignored paths deploys nothing and says why, a watched one "
          "deploys",
          "[e2e][forge]") {
    const std::string manifest = test::write_temp_file(
        "manifest.yaml",
        "version: 1\napps:\n  web:\n    container: da-path-filter-missing\n"
        "    strategy: restart\n    triggers:\n      gitlab:\n        repository: acme/sub/web\n"
        "        branches: [main]\n        ignore_paths: [\"docs/**\", \"*.md\"]\n");
    const test::temp_dir data("da-path-filter");
    test::agent_process agent({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
                              {{"GITLAB_WEBHOOK_TOKEN", path_token},
                               {"DATA_DIR", data.path.string()},
                               {"DEPLOY_DEBOUNCE_MS", "0"}});
    const std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/json"},
        {"X-Gitlab-Event", "Push Hook"},
        {"X-Gitlab-Token", path_token}};
    const std::string a(40, 'a');
    const std::string b(40, 'b');
    const std::string c(40, 'c');
    auto docs = test::http_request(agent.port(), "POST", "/webhooks/gitlab", headers,
                                   gitlab_push(a, b, "docs/guide/install.md"));
    INFO(docs.body << "\n" << agent.log());
    CHECK(docs.status == 200);
    CHECK_THAT(docs.body, Catch::Contains("ignored: the push touches no watched path of web"));
    auto code = test::http_request(agent.port(), "POST", "/webhooks/gitlab", headers,
                                   gitlab_push(b, c, "src/main.go"));
    CHECK(code.status == 202);
    CHECK_THAT(code.body, Catch::Contains("\"app\":\"web\""));
}

}  // namespace path_filter_test
