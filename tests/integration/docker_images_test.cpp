// Image calls against the real engine and local registries: tag, remove, prune, distribution
// inspect, pull by digest, a missing image, and credentials against an htpasswd registry.
#include <algorithm>

#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/engine.hpp"
#include "support/run_async.hpp"

namespace docker_images_test {

namespace dc = docker_client;
using test::run_async;

TEST_CASE("tag and remove an image, a missing one removes as false", "[docker]") {
    const std::string repo = "da-test/" + test::unique_name("tagged");
    test::scoped_images images;
    images.add(repo + ":v1");
    struct seen {
        bool tagged = false;
        bool removed = false, removed_again = true;
        bool gone = false;
        bool missing_inspect_empty = false;
        unsigned tag_missing_status = 0;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        seen r;
        co_await client->tag_image(test::busybox_base_image(), repo, "v1");
        auto info = co_await client->inspect_image(repo + ":v1");
        for (const auto& t : info ? info->repo_tags : std::vector<std::string>{}) {
            r.tagged = r.tagged || t == repo + ":v1";
        }
        r.removed = co_await client->remove_image(repo + ":v1", {});
        r.removed_again = co_await client->remove_image(repo + ":v1", {});
        auto after = co_await client->inspect_image(repo + ":v1");
        r.gone = !after.has_value();
        auto missing = co_await client->inspect_image("da-test/no-such-image:nope");
        r.missing_inspect_empty = !missing.has_value();
        try {
            co_await client->tag_image("da-test/no-such-image:nope", repo, "v2");
        } catch (const dc::error& e) {
            r.tag_missing_status = e.status();
        }
        co_return r;
    });
    CHECK(s.tagged);
    CHECK(s.removed);
    CHECK_FALSE(s.removed_again);
    CHECK(s.gone);
    CHECK(s.missing_inspect_empty);
    CHECK(s.tag_missing_status == 404);
    // The base image itself is untouched by removing a tag of it.
    CHECK(test::docker({"image", "inspect", test::busybox_base_image()}).exit_code == 0);
}

TEST_CASE("removing an image a container uses is a conflict unless forced", "[docker]") {
    const std::string tag = "da-test/" + test::unique_name("inuse") + ":v1";
    const std::string name = test::unique_name("da-inuse");
    test::scoped_images images;
    images.add(tag);
    test::scoped_container guard(name);
    const std::string id = test::build_image(tag, "CMD [\"true\"]");
    test::docker_ok({"create", "--name", name, "--label", "io.deploy-agent.test=1", id});
    unsigned status = 0;
    std::string message;
    run_async([&](auto ex) -> dc::net::awaitable<void> {
        auto client = dc::make_client(ex, test::engine_client_options());
        try {
            co_await client->remove_image(id, {});
        } catch (const dc::error& e) {
            status = e.status();
            message = e.daemon_message();
        }
    });
    CHECK(status == 409);
    CHECK_THAT(message, Catch::Contains("being used"));
}

TEST_CASE("prune removes dangling images carrying the label", "[docker]") {
    const std::string tag = "da-test/" + test::unique_name("prune") + ":v1";
    const std::string marker = test::unique_name("p");
    test::scoped_images images;
    images.add(tag);
    const std::string first = test::build_image(tag, "LABEL da.prune=" + marker);
    const std::string second = test::build_image(tag, "LABEL da.prune=" + marker);
    REQUIRE(first != second);  // the first is now dangling
    auto result = run_async([&](auto ex) -> dc::net::awaitable<dc::prune_result> {
        auto client = dc::make_client(ex, test::engine_client_options());
        std::vector<std::string> labels;
        labels.push_back("da.prune=" + marker);
        co_return co_await client->prune_dangling_images(labels);
    });
    CHECK(std::find(result.deleted.begin(), result.deleted.end(), first) != result.deleted.end());
    CHECK(test::docker({"image", "inspect", first}).exit_code != 0);
    CHECK(test::docker({"image", "inspect", second}).exit_code == 0);
}

TEST_CASE("distribution inspect reads a remote digest, pull by that digest", "[docker]") {
    const std::string repo = test::registry() + "/" + test::unique_name("da-digest");
    const std::string ref = repo + ":v1";
    test::scoped_images images;
    images.add(ref);
    const std::string built = test::build_image(ref, "CMD [\"true\"]");
    auto pushed = test::docker_ok({"push", ref});
    test::docker_ok({"rmi", ref});
    struct seen {
        dc::distribution_info remote;
        std::optional<dc::image_info> pulled;
        std::string missing_message;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        seen r;
        r.remote = co_await client->distribution_inspect(ref, std::nullopt);
        co_await client->pull_image(repo + "@" + r.remote.digest, std::nullopt, {});
        r.pulled = co_await client->inspect_image(repo + "@" + r.remote.digest);
        try {
            co_await client->distribution_inspect(repo + ":no-such-tag", std::nullopt);
        } catch (const dc::error& e) {
            r.missing_message = e.what();
        }
        co_return r;
    });
    images.add(repo + "@" + s.remote.digest);
    CHECK(s.remote.digest.starts_with("sha256:"));
    CHECK_THAT(pushed, Catch::Contains(s.remote.digest));
    REQUIRE(s.pulled.has_value());
    CHECK(s.pulled->id == built);
    CHECK_FALSE(s.missing_message.empty());
}

TEST_CASE("pull of an image the registry does not have is an error", "[docker]") {
    const std::string ref = test::registry() + "/da-test-nobody-" + test::unique_name("x");
    try {
        run_async([&](auto ex) -> dc::net::awaitable<void> {
            auto client = dc::make_client(ex, test::engine_client_options());
            co_await client->pull_image(ref, std::nullopt,
                                        {});  // no tag: means :latest, never "all tags"
        });
        FAIL("pull of a missing repository reported success");
    } catch (const dc::error& e) {
        CHECK_THAT(e.what(), Catch::Contains(":latest") || Catch::Contains("not found") ||
                                 Catch::Contains("unknown"));
    }
}

TEST_CASE("registry credentials: bad ones fail, good ones pull", "[docker]") {
    test::auth_registry registry;
    const std::string ref = registry.address() + "/" + test::unique_name("da-private") + ":v1";
    test::scoped_images images;
    images.add(ref);
    test::docker_ok({"tag", test::busybox_base_image(), ref});
    test::docker_ok({"--config", registry.cli_config(), "push", ref});
    test::docker_ok({"rmi", ref});
    struct seen {
        std::string bad_pull, anonymous_pull, bad_inspect;
        std::string digest;
        bool pulled = false;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        seen r;
        dc::registry_auth bad{test::auth_registry::username, "wrong-password", registry.address()};
        dc::registry_auth good{test::auth_registry::username, test::auth_registry::password,
                               registry.address()};
        try {
            co_await client->pull_image(ref, bad, {});
        } catch (const dc::error& e) {
            r.bad_pull = e.what();
        }
        try {
            co_await client->pull_image(ref, std::nullopt, {});
        } catch (const dc::error& e) {
            r.anonymous_pull = e.what();
        }
        try {
            co_await client->distribution_inspect(ref, bad);
        } catch (const dc::error& e) {
            r.bad_inspect = e.what();
        }
        auto remote = co_await client->distribution_inspect(ref, good);
        r.digest = remote.digest;
        co_await client->pull_image(ref, good, {});
        auto image = co_await client->inspect_image(ref);
        r.pulled = image.has_value();
        co_return r;
    });
    CHECK_THAT(s.bad_pull, Catch::Contains("unauthorized") || Catch::Contains("authentication"));
    CHECK_THAT(s.anonymous_pull, Catch::Contains("unauthorized") || Catch::Contains("credentials"));
    CHECK_FALSE(s.bad_inspect.empty());
    CHECK(s.digest.starts_with("sha256:"));
    CHECK(s.pulled);
}

}  // namespace docker_images_test
