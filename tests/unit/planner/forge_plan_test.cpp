// Pushes from Gitea and GitLab plan their own triggers; path filters (paths, ignore_paths).
#include <catch2/catch.hpp>

#include "accept/decision.hpp"
#include "planner/planner.hpp"

namespace forge_plan_test {

using namespace agent;

namespace {

const manifest& forge_plan_manifest() {
    static const manifest m = parse_manifest(
        "version: 1\n"
        "apps:\n"
        "  gh:\n"
        "    image: a\n"
        "    triggers:\n"
        "      github: { repository: acme/web, branches: [main] }\n"
        "  tea:\n"
        "    image: b\n"
        "    triggers:\n"
        "      gitea: { repository: acme/web, branches: [main], paths: [\"src/**\"],\n"
        "               ignore_paths: [\"src/**/*.md\"] }\n"
        "  lab:\n"
        "    image: c\n"
        "    triggers:\n"
        "      gitlab: { repository: acme/sub/web, branches: [main], ignore_paths: [\"docs/**\"] }\n",
        "m.yaml");
    return m;
}

github_push forge_push(std::string forge, std::string repository, std::vector<std::string> files,
                       bool complete = true) {
    github_push p;
    p.forge = std::move(forge);
    p.repository = std::move(repository);
    p.ref = "refs/heads/main";
    p.branch = "main";
    p.before = std::string(40, '1');
    p.after = std::string(40, '2');
    p.commit = p.after;
    p.files = std::move(files);
    p.files_complete = complete;
    return p;
}

std::vector<std::string> apps_of(const std::vector<planned_job>& jobs) {
    std::vector<std::string> names;
    for (const auto& j : jobs) {
        names.push_back(j.app);
    }
    return names;
}

}  // namespace

TEST_CASE("a push plans only the apps of its own forge, with the forge as trigger",
          "[planner][forge]") {
    const auto& m = forge_plan_manifest();
    auto jobs = plan_github_push(m, forge_push("github", "acme/web", {"src/a.cpp"}));
    CHECK(apps_of(jobs) == std::vector<std::string>{"gh"});
    CHECK(jobs[0].trigger == "github");
    jobs = plan_github_push(m, forge_push("gitea", "ACME/web", {"src/a.cpp"}));
    CHECK(apps_of(jobs) == std::vector<std::string>{"tea"});
    CHECK(jobs[0].trigger == "gitea");
    jobs = plan_github_push(m, forge_push("gitlab", "acme/sub/web", {"src/a.cpp"}));
    CHECK(apps_of(jobs) == std::vector<std::string>{"lab"});
    CHECK(jobs[0].trigger == "gitlab");
    CHECK(plan_github_push(m, forge_push("gitlab", "acme/web", {})).empty());
}

TEST_CASE("path filters: watched, ignored, and a push that cannot tell", "[planner][forge]") {
    const auto& m = forge_plan_manifest();
    const auto tea = [&](std::vector<std::string> files, bool complete = true) {
        return apps_of(plan_github_push(m, forge_push("gitea", "acme/web", files, complete)));
    };
    CHECK(tea({"src/main.cpp"}) == std::vector<std::string>{"tea"});
    CHECK(tea({"docs/readme.md"}).empty());
    CHECK(tea({"src/notes/readme.md"}).empty());  // under paths, but ignored
    CHECK(tea({"src/notes/readme.md", "src/x.cpp"}) == std::vector<std::string>{"tea"});
    CHECK(tea({"docs/readme.md"}, false) == std::vector<std::string>{"tea"});  // cannot tell
    const auto lab = [&](std::vector<std::string> files) {
        return apps_of(plan_github_push(m, forge_push("gitlab", "acme/sub/web", files)));
    };
    CHECK(lab({"docs/a.md", "docs/b/c.md"}).empty());
    CHECK(lab({"docs/a.md", "Dockerfile"}) == std::vector<std::string>{"lab"});
}

TEST_CASE("a push touching only ignored paths is ignored with the reason", "[accept][forge]") {
    const auto& m = forge_plan_manifest();
    github_verdict v;
    v.what = github_verdict::kind::push;
    v.result = outcome::queued;
    v.source = "gitlab";
    v.push = forge_push("gitlab", "acme/sub/web", {"docs/a.md"});
    v.authorized_apps = {"lab"};
    auto d = decide_github_delivery(m, v, {}, {});
    CHECK(d.what == accept_decision::kind::ignore);
    CHECK(d.reason ==
          "ignored: the push touches no watched path of lab (1 file(s) changed, none under "
          "their paths or all in ignore_paths)");
    v.push->files.push_back("app/main.go");
    d = decide_github_delivery(m, v, {}, {});
    CHECK(d.what == accept_decision::kind::accept);
}

}  // namespace forge_plan_test
