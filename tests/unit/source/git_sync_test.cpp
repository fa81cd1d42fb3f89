// Source sync against real git repositories: a bare repository as the remote.
#include <fstream>
#include <optional>

#include <catch2/catch.hpp>

#include "cli/process_environment.hpp"
#include "support/git_repos.hpp"
#include "source/git_sync.hpp"
#include "support/run_async.hpp"

namespace git_sync_test {

namespace {

struct sync_outcome {
    std::optional<agent::source_revision> revision;
    std::string error;
    std::vector<std::string> steps;
};

// git runs with what this process was started with (PATH, HOME), as the agent's git does.
sync_outcome sync(agent::source_request request,
                  agent::env_lookup env = agent::lookup_in(agent::read_process_environment())) {
    return test::run_async([&](auto) -> agent::net::awaitable<sync_outcome> {
        sync_outcome out;
        auto log = [&out](std::string_view line) { out.steps.emplace_back(line); };
        try {
            out.revision = co_await agent::sync_source(request, log, env);
        } catch (const agent::source_error& e) {
            out.error = e.what();
        }
        co_return out;
    });
}

agent::source_request request_for(const test::git_repos& repos, std::string commit) {
    agent::source_request r;
    r.checkout = repos.checkout.string();
    r.git = agent::build_spec::git_spec{};
    r.commit = std::move(commit);
    return r;
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("git sync: resets to the pushed commit and then back to an older one after a force-push") {
    test::git_repos repos;
    const std::string v2 = repos.commit_and_push("page.html", "v2");
    const std::string v3 = repos.commit_and_push("page.html", "v3");

    auto to_v3 = sync(request_for(repos, v3));
    INFO(to_v3.error);
    REQUIRE(to_v3.revision);
    CHECK(to_v3.revision->commit == v3);
    CHECK(to_v3.revision->subject == "change page.html");
    CHECK(repos.head_of_checkout() == v3);
    CHECK(test::read_bytes((repos.checkout / "page.html").string()) == "v3");

    repos.force_push(v2);
    auto back = sync(request_for(repos, v2));
    INFO(back.error);
    REQUIRE(back.revision);
    CHECK(back.revision->commit == v2);
    CHECK(test::read_bytes((repos.checkout / "page.html").string()) == "v2");
}

TEST_CASE("git sync: a manual deploy takes the branch head, an abbreviated id is resolved") {
    test::git_repos repos;
    const std::string head = repos.commit_and_push("a.txt", "a");
    auto manual = sync(request_for(repos, ""));
    REQUIRE(manual.revision);
    CHECK(manual.revision->commit == head);
    auto shortened = sync(request_for(repos, head.substr(0, 10)));
    REQUIRE(shortened.revision);
    CHECK(shortened.revision->commit == head);
}

TEST_CASE("git sync: a dirty checkout fails naming its files and unless told to discard them") {
    test::git_repos repos;
    const std::string head = repos.commit_and_push("page.html", "v2");
    test::sh(repos.checkout, "git pull -q");
    write(repos.checkout / "page.html", "edited on the server");
    write(repos.checkout / "notes.txt", "untracked");

    auto refused = sync(request_for(repos, head));
    CHECK_FALSE(refused.revision);
    CHECK_THAT(refused.error, Catch::Contains("local changes"));
    CHECK_THAT(refused.error, Catch::Contains("page.html"));
    CHECK_THAT(refused.error, Catch::Contains("notes.txt"));
    CHECK_THAT(refused.error, Catch::Contains("discard_local_changes"));
    CHECK(test::read_bytes((repos.checkout / "page.html").string()) == "edited on the server");

    auto request = request_for(repos, head);
    request.git.discard_local_changes = true;
    auto discarded = sync(request);
    INFO(discarded.error);
    REQUIRE(discarded.revision);
    CHECK(test::read_bytes((repos.checkout / "page.html").string()) == "v2");
    CHECK_FALSE(std::filesystem::exists(repos.checkout / "notes.txt"));
    REQUIRE_FALSE(discarded.steps.empty());
    CHECK_THAT(discarded.steps.front(), Catch::Contains("discarding local changes"));
}

TEST_CASE("git sync: a commit the remote does not have fails with that reason") {
    test::git_repos repos;
    const std::string before = repos.head_of_checkout();
    auto missing = sync(request_for(repos, "0123456789abcdef0123456789abcdef01234567"));
    CHECK_FALSE(missing.revision);
    CHECK_THAT(missing.error, Catch::Contains("does not have commit 0123456789abcdef"));
    CHECK(repos.head_of_checkout() == before);

    // Committed in the checkout itself, never pushed: present locally, not on the remote.
    test::sh(repos.checkout,
             "echo local > local.txt && git add local.txt && git -c user.name=x "
             "-c user.email=x@example.com commit -q -m local");
    const std::string local = repos.head_of_checkout();
    test::sh(repos.checkout, "git reset -q --hard HEAD~1");
    auto unpushed = sync(request_for(repos, local));
    CHECK_FALSE(unpushed.revision);
    CHECK_THAT(unpushed.error, Catch::Contains("does not have commit"));

    CHECK_THAT(sync(request_for(repos, "not-a-commit")).error,
               Catch::Contains("is not a commit id"));
}

TEST_CASE("git sync: not a checkout and an unknown remote and a missing branch are named") {
    test::git_repos repos;
    test::temp_dir plain("da-plain");
    auto request = request_for(repos, "");
    request.checkout = plain.path.string();
    CHECK_THAT(sync(request).error, Catch::Contains("is not a git checkout"));

    request = request_for(repos, "");
    request.git.remote = "upstream";
    CHECK_THAT(sync(request).error, Catch::Contains("no remote upstream"));

    request = request_for(repos, "");
    request.git.branch = "release";
    CHECK_THAT(sync(request).error, Catch::Contains("git fetch from"));
}

TEST_CASE("git sync: submodules are brought to the commit the superproject records") {
    test::git_repos repos;
    test::git_repos library;
    const std::string lib_v2 = library.commit_and_push("lib.txt", "lib v2");
    test::sh(repos.dev, "git -c protocol.file.allow=always submodule add -q '" +
                            library.bare.string() + "' lib && git -c user.name=d "
                            "-c user.email=d@example.com commit -q -m 'add lib' && "
                            "git push -q origin main");
    const std::string head = test::sh(repos.dev, "git rev-parse HEAD");
    auto synced = sync(request_for(repos, head));
    INFO(synced.error);
    REQUIRE(synced.revision);
    CHECK(test::read_bytes((repos.checkout / "lib" / "lib.txt").string()) == "lib v2");
    CHECK(test::sh(repos.checkout / "lib", "git rev-parse HEAD") == lib_v2);
}

}  // namespace git_sync_test
