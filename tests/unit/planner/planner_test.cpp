#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

#include "planner/planner.hpp"
#include "support/environment.hpp"

namespace planner_test {

using namespace agent;

namespace {

const manifest& test_manifest() {
    static const manifest m = [] {
        manifest parsed = parse_manifest(
            "version: 1\n"
            "apps:\n"
            "  web:\n"
            "    image: nginx\n"
            "    triggers:\n"
            "      github:\n"
            "        repository: Example/Web\n"
            "        branches: [main, 'release/*', '!release/old']\n"
            "  web-tags:\n"
            "    image: nginx\n"
            "    triggers:\n"
            "      github:\n"
            "        repository: example/web\n"
            "        tags: ['v[0-9]*', '!*-rc*']\n"
            "  docs:\n"
            "    image: docs\n"
            "    triggers:\n"
            "      github:\n"
            "        repository: example/docs\n"
            "        branches: ['**']\n"
            "  api:\n"
            "    image: api\n"
            "    secrets:\n"
            "      infisical: { project: p1, environment: prod, path: /api }\n"
            "    auto_redeploy: true\n"
            "  api-db:\n"
            "    image: api\n"
            "    secrets:\n"
            "      infisical: { project: p1, environment: prod, path: /api/db, keys: [DB_URL] }\n"
            "    auto_redeploy: true\n"
            "  root:\n"
            "    image: root\n"
            "    secrets:\n"
            "      infisical: { project: p1, environment: prod }\n"
            "    auto_redeploy: true\n"
            "  manual-only:\n"
            "    image: m\n"
            "    secrets:\n"
            "      infisical: { project: p1, environment: prod, path: /api }\n"
            "  other-project:\n"
            "    image: o\n"
            "    secrets:\n"
            "      infisical: { project: p2, environment: staging, path: /api }\n"
            "    auto_redeploy: true\n",
            "planner.yaml");
        // A Swarm service reading /api with auto_redeploy: the manifest refuses it (no secrets
        // reach a service), and the planner, behind it, never plans one for a secret change
        // either (every test below).
        app_spec swarm = *parsed.find("api");
        swarm.name = "swarm-api";
        swarm.service = "stack_api";
        swarm.container.clear();
        swarm.auto_redeploy = true;
        parsed.apps.push_back(swarm);
        return parsed;
    }();
    return m;
}

github_push push_to(std::string repository, std::string ref) {
    github_push push;
    push.delivery_id = "d-1";
    push.repository = std::move(repository);
    push.ref = ref;
    if (ref.rfind("refs/heads/", 0) == 0) {
        push.branch = ref.substr(11);
    } else if (ref.rfind("refs/tags/", 0) == 0) {
        push.tag = ref.substr(10);
    }
    push.commit = "0123456789abcdef0123456789abcdef01234567";
    push.after = push.commit;
    return push;
}

std::vector<std::string> apps_of(const std::vector<planned_job>& jobs) {
    std::vector<std::string> names;
    for (const auto& job : jobs) {
        names.push_back(job.app);
    }
    return names;
}

using names = std::vector<std::string>;

infisical_change change_at(std::string path, std::string event = "secrets.modified") {
    return infisical_change{std::move(event), "p1", "prod", std::move(path), std::nullopt};
}

}  // namespace

TEST_CASE("glob_match follows GitHub Actions filter patterns", "[planner]") {
    struct row {
        const char* pattern;
        const char* text;
        bool matches;
    };
    static const std::string many_a(200, 'a');
    const row rows[] = {
        {"main", "main", true},
        {"main", "main2", false},
        {"main", "mai", false},
        {"*", "feature", true},
        {"*", "feature/x", false},
        {"*", "", true},
        {"**", "feature/x/y", true},
        {"feature/*", "feature/x", true},
        {"feature/*", "feature/x/y", false},
        {"feature/**", "feature/x/y", true},
        {"feature/**", "feature/", true},
        {"**/hotfix", "a/b/hotfix", true},
        {"v*", "v1.2.3", true},
        {"v*", "release-v1", false},
        {"v?", "v1", true},
        {"v?", "v12", false},
        {"a?b", "a/b", false},
        {"v[0-9]*", "v1.0", true},
        {"v[0-9]*", "vx", false},
        {"[abc]x", "bx", true},
        {"[!abc]x", "bx", false},
        {"[^abc]x", "dx", true},
        {"[a-c-]", "-", true},
        {"[]]", "]", true},
        {"[/]", "/", false},
        {"[abc", "[abc", true},
        {"\\*", "*", true},
        {"\\*", "x", false},
        {"*-rc*", "v1.0-rc1", true},
        {"**.md", "docs/a.md", true},
        {"*a*a*a*a*a*a*a*a*b", many_a.c_str(), false},
    };
    for (const auto& r : rows) {
        INFO(r.pattern << " vs " << r.text);
        CHECK(glob_match(r.pattern, r.text) == r.matches);
    }
}

TEST_CASE("patterns_select: the last matching pattern wins, '!' excludes", "[planner]") {
    const std::vector<std::string> patterns{"release/*", "!release/old", "release/old"};
    CHECK(patterns_select(patterns, "release/1"));
    CHECK(patterns_select(patterns, "release/old"));
    CHECK_FALSE(patterns_select({"*", "!wip"}, "wip"));
    CHECK_FALSE(patterns_select({}, "main"));
}

TEST_CASE("branch pushes plan the apps whose branch globs select the branch", "[planner]") {
    const manifest& m = test_manifest();
    CHECK(apps_of(plan_github_push(m, push_to("example/web", "refs/heads/main"))) == names{"web"});
    CHECK(apps_of(plan_github_push(m, push_to("example/web", "refs/heads/release/2"))) ==
          names{"web"});
    CHECK(apps_of(plan_github_push(m, push_to("example/web", "refs/heads/release/old"))).empty());
    CHECK(apps_of(plan_github_push(m, push_to("example/web", "refs/heads/release/a/b"))).empty());
    CHECK(apps_of(plan_github_push(m, push_to("example/web", "refs/heads/dev"))).empty());
    CHECK(apps_of(plan_github_push(m, push_to("example/docs", "refs/heads/a/b/c"))) ==
          names{"docs"});
    // A branch named like a tag pattern does not trigger the tag-only app.
    CHECK(apps_of(plan_github_push(m, push_to("example/web", "refs/heads/v1"))).empty());
}

TEST_CASE("tag pushes plan the apps whose tag globs select the tag", "[planner]") {
    const manifest& m = test_manifest();
    CHECK(apps_of(plan_github_push(m, push_to("example/web", "refs/tags/v1.2.0"))) ==
          names{"web-tags"});
    CHECK(apps_of(plan_github_push(m, push_to("example/web", "refs/tags/v1.2.0-rc1"))).empty());
    CHECK(apps_of(plan_github_push(m, push_to("example/web", "refs/tags/main"))).empty());
    // Branch globs never apply to tags, even "**".
    CHECK(apps_of(plan_github_push(m, push_to("example/docs", "refs/tags/v1"))).empty());
}

TEST_CASE("a job carries the push's commit and delivery id", "[planner]") {
    auto jobs = plan_github_push(test_manifest(), push_to("example/web", "refs/heads/main"));
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].app == "web");
    CHECK(jobs[0].action == "deploy");
    CHECK(jobs[0].trigger == "github");
    CHECK(jobs[0].commit == "0123456789abcdef0123456789abcdef01234567");
    CHECK(jobs[0].delivery_id == "d-1");
    CHECK_FALSE(jobs[0].force);
}

TEST_CASE("deleted refs, unknown repositories and odd refs plan nothing", "[planner]") {
    const manifest& m = test_manifest();
    auto deleted = push_to("example/web", "refs/heads/main");
    deleted.deleted = true;
    CHECK(plan_github_push(m, deleted).empty());
    CHECK(plan_github_push(m, push_to("example/other", "refs/heads/main")).empty());
    CHECK(plan_github_push(m, push_to("evil/web", "refs/heads/main")).empty());
    CHECK(plan_github_push(m, push_to("", "refs/heads/main")).empty());
    CHECK(plan_github_push(m, push_to("example/web", "refs/pull/1/head")).empty());
    CHECK(plan_github_push(m, push_to("example/web/../web", "refs/heads/main")).empty());
}

TEST_CASE("repository names are compared ignoring case", "[planner]") {
    const manifest& m = test_manifest();
    CHECK(apps_of(plan_github_push(m, push_to("EXAMPLE/WEB", "refs/heads/main"))) == names{"web"});
    CHECK(apps_of(plan_github_push(m, push_to("Example/Docs", "refs/heads/x"))) == names{"docs"});
    // Branch names are not: git refs are case-sensitive.
    CHECK(plan_github_push(m, push_to("example/web", "refs/heads/Main")).empty());
}

TEST_CASE("the branch is taken from the ref when the intake left it empty", "[planner]") {
    github_push push = push_to("example/web", "refs/heads/main");
    push.branch.clear();
    CHECK(apps_of(plan_github_push(test_manifest(), push)) == names{"web"});
    github_push tag = push_to("example/web", "refs/tags/v2");
    tag.tag.clear();
    CHECK(apps_of(plan_github_push(test_manifest(), tag)) == names{"web-tags"});
}

TEST_CASE("manual plans name only manifest apps", "[planner]") {
    const manifest& m = test_manifest();
    CHECK_FALSE(plan_manual(m, manual_request{"unknown", false, "alice"}));
    CHECK_FALSE(plan_manual(m, manual_request{"", false, "alice"}));
    CHECK_FALSE(plan_manual(m, manual_request{"WEB", false, "alice"}));
    auto job = plan_manual(m, manual_request{"docs", true, "alice"});
    REQUIRE(job);
    CHECK(job->app == "docs");
    CHECK(job->action == "deploy");
    CHECK(job->trigger == "api");
    CHECK(job->force);
    CHECK(job->commit.empty());
    CHECK(plan_manual(m, manual_request{"web", false, "cli"})->trigger == "cli");
}

TEST_CASE("infisical changes plan nothing unless auto-redeploy is enabled", "[planner]") {
    const manifest& m = test_manifest();
    CHECK(plan_infisical_change(m, change_at("/api"), auto_redeploy_policy{}).empty());
    auto jobs = plan_infisical_change(m, change_at("/api"), auto_redeploy_policy{true, {}});
    CHECK(apps_of(jobs) == names{"api", "api-db"});
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].trigger == "infisical");
    CHECK(jobs[0].action == "deploy");
    CHECK(jobs[0].force);
}

TEST_CASE("infisical paths: the changed folder covers itself and its sub-folders", "[planner]") {
    const manifest& m = test_manifest();
    const auto_redeploy_policy on{true, std::nullopt};
    CHECK(apps_of(plan_infisical_change(m, change_at("/"), on)) == names{"api", "api-db", "root"});
    CHECK(apps_of(plan_infisical_change(m, change_at(""), on)) == names{"api", "api-db", "root"});
    CHECK(apps_of(plan_infisical_change(m, change_at("/api"), on)) == names{"api", "api-db"});
    CHECK(apps_of(plan_infisical_change(m, change_at("/api/"), on)) == names{"api", "api-db"});
    CHECK(apps_of(plan_infisical_change(m, change_at("api"), on)) == names{"api", "api-db"});
    CHECK(apps_of(plan_infisical_change(m, change_at("/api/db"), on)) == names{"api-db"});
    CHECK(plan_infisical_change(m, change_at("/apix"), on).empty());
    CHECK(plan_infisical_change(m, change_at("/api/db/deeper"), on).empty());
}

TEST_CASE("infisical paths: a webhook's path glob plans the folders it matches", "[planner]") {
    const manifest& m = test_manifest();
    const auto_redeploy_policy on{true, std::nullopt};
    CHECK(apps_of(plan_infisical_change(m, change_at("/**"), on)) ==
          names{"api", "api-db", "root"});
    CHECK(apps_of(plan_infisical_change(m, change_at("/api/**"), on)) == names{"api", "api-db"});
    CHECK(apps_of(plan_infisical_change(m, change_at("/api/*"), on)) == names{"api-db"});
    CHECK(apps_of(plan_infisical_change(m, change_at("api/*/"), on)) == names{"api-db"});
    CHECK(plan_infisical_change(m, change_at("/web/**"), on).empty());
}

TEST_CASE("a change covers its own folder, the folders below it, and what its glob matches",
          "[planner]") {
    CHECK(change_covers("/api", "/api"));
    CHECK(change_covers("/api", "/api/v2"));
    CHECK(change_covers("/api/", "/api/v2/"));
    CHECK(change_covers("api", "/api"));
    CHECK(change_covers("/api", "api/v2"));
    CHECK(change_covers("/", "/anything/below"));
    CHECK(change_covers("", "/"));
    CHECK(change_covers("/", ""));
    CHECK_FALSE(change_covers("/api", "/"));
    CHECK_FALSE(change_covers("/api", "/apis"));
    CHECK_FALSE(change_covers("/api/v2", "/api"));
    CHECK(change_covers("/**", "/"));
    CHECK(change_covers("/**", "/api"));
    CHECK(change_covers("/**", "/api/v2/deep"));
    CHECK(change_covers("/api/**", "/api"));
    CHECK(change_covers("/api/**", "/api/v2/x"));
    CHECK_FALSE(change_covers("/api/**", "/web"));
    CHECK_FALSE(change_covers("/api/**", "/apis"));
    CHECK(change_covers("/api/*", "/api/v2"));
    CHECK_FALSE(change_covers("/api/*", "/api/v2/x"));
    CHECK_FALSE(change_covers("/api/*", "/api"));
}

TEST_CASE("infisical: project, environment, keys, events and the allow-list", "[planner]") {
    const manifest& m = test_manifest();
    const auto_redeploy_policy on{true, std::nullopt};
    infisical_change other_project = change_at("/api");
    other_project.project = "p2";
    CHECK(plan_infisical_change(m, other_project, on).empty());
    infisical_change other_env = change_at("/api");
    other_env.environment = "staging";
    CHECK(plan_infisical_change(m, other_env, on).empty());
    // A change that names no project, or no environment, concerns every one.
    infisical_change any_project = change_at("/api");
    any_project.project.clear();
    CHECK(apps_of(plan_infisical_change(m, any_project, on)) == names{"api", "api-db"});
    any_project.environment.clear();
    CHECK(apps_of(plan_infisical_change(m, any_project, on)) ==
          names{"api", "api-db", "other-project"});
    infisical_change any_env = change_at("/api");
    any_env.project = "p2";
    any_env.environment.clear();
    CHECK(apps_of(plan_infisical_change(m, any_env, on)) == names{"other-project"});

    infisical_change keyed = change_at("/api/db");
    keyed.secret_key = "OTHER";
    CHECK(plan_infisical_change(m, keyed, on).empty());
    keyed.secret_key = "DB_URL";
    CHECK(apps_of(plan_infisical_change(m, keyed, on)) == names{"api-db"});
    // A key change at a parent folder applies too (it may be imported), with the same filter.
    keyed.secret_path = "/";
    CHECK(apps_of(plan_infisical_change(m, keyed, on)) == names{"api", "api-db", "root"});

    CHECK(plan_infisical_change(m, change_at("/api", "test"), on).empty());
    CHECK(plan_infisical_change(m, change_at("/api", "secrets.reminder-expired"), on).empty());
    CHECK(plan_infisical_change(m, change_at("/api", ""), on).empty());
    for (const char* event :
         {"secret.created", "secret.updated", "secret.deleted", "secret.modified"}) {
        INFO(event);
        CHECK(apps_of(plan_infisical_change(m, change_at("/api", event), on)) ==
              names{"api", "api-db"});
    }

    const auto_redeploy_policy only_db{true, names{"api-db", "manual-only", "not-in-manifest"}};
    CHECK(apps_of(plan_infisical_change(m, change_at("/"), only_db)) == names{"api-db"});
    const auto_redeploy_policy none{true, names{}};
    CHECK(plan_infisical_change(m, change_at("/"), none).empty());
}

TEST_CASE("a secret change never plans a Swarm service, nor an app without auto_redeploy",
          "[planner]") {
    const manifest& m = test_manifest();
    const auto_redeploy_policy on{true, std::nullopt};
    const auto_redeploy_policy listed{true, names{"swarm-api", "manual-only", "api"}};
    for (const auto& policy : {on, listed}) {
        const names planned = apps_of(plan_infisical_change(m, change_at("/api"), policy));
        CHECK(std::find(planned.begin(), planned.end(), "swarm-api") == planned.end());
        CHECK(std::find(planned.begin(), planned.end(), "manual-only") == planned.end());
    }
    CHECK(apps_of(plan_infisical_change(m, change_at("/api"), listed)) == names{"api"});
}

TEST_CASE("a secrets poll plans every app a change at its own folder would", "[planner]") {
    const manifest& m = test_manifest();
    CHECK(plan_secret_poll(m, auto_redeploy_policy{}).empty());
    const auto jobs = plan_secret_poll(m, auto_redeploy_policy{true, std::nullopt});
    CHECK(apps_of(jobs) == names{"api", "api-db", "root", "other-project"});
    for (const auto& job : jobs) {
        CHECK(job.trigger == "infisical");
        CHECK(job.action == "deploy");
        CHECK(job.force);
        // The same job a change at the app's own folder plans.
        const infisical_source& source = *m.find(job.app)->infisical;
        infisical_change at_its_folder{"secrets.modified", source.project, source.environment,
                                       source.path, std::nullopt};
        const auto own = plan_infisical_change(m, at_its_folder, {true, std::nullopt});
        CHECK(std::find_if(own.begin(), own.end(),
                           [&](const planned_job& j) { return j.app == job.app; }) != own.end());
    }
    CHECK(apps_of(plan_secret_poll(m, auto_redeploy_policy{true, names{"root", "swarm-api"}})) ==
          names{"root"});
}

TEST_CASE("planned_apps: the manifest's apps the jobs name, in their order", "[planner]") {
    const manifest& m = test_manifest();
    const std::vector<planned_job> jobs{{"root", "deploy", "infisical", "", "", true},
                                        {"gone", "deploy", "infisical", "", "", true},
                                        {"api", "deploy", "infisical", "", "", true}};
    const auto apps = planned_apps(m, jobs);
    REQUIRE(apps.size() == 2);
    CHECK(apps[0].name == "root");
    CHECK(apps[1].name == "api");
    REQUIRE(apps[1].infisical);
    CHECK(apps[1].infisical->path == "/api");
}

TEST_CASE("the auto-redeploy policy is read from the two variables", "[planner]") {
    CHECK_FALSE(parse_auto_redeploy_policy(std::nullopt, std::nullopt).enabled);
    CHECK_FALSE(parse_auto_redeploy_policy(std::nullopt, std::nullopt).apps);
    for (const char* yes : {"true", "TRUE", " 1 ", "yes", "on"}) {
        INFO(yes);
        CHECK(parse_auto_redeploy_policy(yes, std::nullopt).enabled);
    }
    for (const char* no : {"false", "0", "", "no", "enabled"}) {
        INFO(no);
        CHECK_FALSE(parse_auto_redeploy_policy(no, std::nullopt).enabled);
    }
    auto policy = parse_auto_redeploy_policy("true", " app1, app2 ,,app3 ");
    REQUIRE(policy.apps);
    CHECK(*policy.apps == names{"app1", "app2", "app3"});
    CHECK_FALSE(parse_auto_redeploy_policy("true", "  ").apps);

    auto from_env = auto_redeploy_policy_from_environment(test::env_of(
        {{"INFISICAL_AUTO_REDEPLOY", "true"}, {"INFISICAL_AUTO_REDEPLOY_APPS", "web"}}));
    CHECK(from_env.enabled);
    CHECK(from_env.apps == std::optional<names>(names{"web"}));
    CHECK_FALSE(auto_redeploy_policy_from_environment(agent::environment()).enabled);
}

}  // namespace planner_test
