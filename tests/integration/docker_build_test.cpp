// POST /build from a directory: .dockerignore, several tags, build args, labels, target, and a
// failing RUN step whose message and line reach the caller.
#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/create_request.hpp"
#include "support/engine.hpp"
#include "support/run_async.hpp"

namespace docker_build_test {

namespace dc = docker_client;
using test::run_async;

TEST_CASE("build a context with .dockerignore, tags, args, labels and a target", "[docker]") {
    test::scoped_context context("FROM " + test::busybox_base_image() +
                                 " AS base\n"
                                 "ARG GREETING\n"
                                 "RUN echo \"$GREETING\" > /greeting\n"
                                 "FROM base AS final\n"
                                 "COPY . /ctx\n"
                                 "RUN cd /ctx && find . -type f | sort > /listing\n"
                                 "FROM final AS never\n"
                                 "RUN false\n");
    context.write(".dockerignore",
                  "# comment\nsecret*\n!secret-keep.txt\nlogs/\n**/*.tmp\nbusybox\n");
    context.write("keep.txt", "k");
    context.write("secret.txt", "s");
    context.write("secret-keep.txt", "sk");
    context.write("logs/app.log", "l");
    context.write("sub/deep/x.tmp", "t");
    context.write("sub/deep/y.txt", "y");
    const std::string tag1 = "da-test/" + test::unique_name("built") + ":v1";
    const std::string tag2 = "da-test/" + test::unique_name("built") + ":v2";
    test::scoped_images images;
    images.add(tag1);
    images.add(tag2);
    const std::string name = test::unique_name("da-built");
    test::scoped_container guard(name);

    struct seen {
        dc::build_result result;
        std::vector<std::string> lines;
        std::optional<dc::image_info> image1, image2;
        std::string listing, greeting;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        seen r;
        dc::build_options b;
        b.context_dir = context.path();
        b.tags = {tag1, tag2};
        b.no_cache = true;
        b.build_args = {{"GREETING", "hello from args"}};
        b.labels = {{"io.deploy-agent.test", "1"}, {"da.extra", "x"}};
        b.target = "final";
        r.result =
            co_await client->build_image(b, [&r](std::string_view l) { r.lines.emplace_back(l); });
        r.image1 = co_await client->inspect_image(tag1);
        r.image2 = co_await client->inspect_image(tag2);
        std::string body =
            R"({"Image":")" + tag1 +
            R"(","Cmd":["sh","-c","cat /listing; cat /greeting >&2"],"Labels":{"io.deploy-agent.test":"1"}})";
        auto id = co_await client->create_container(name, test::create_request(body));
        co_await client->start_container(id);
        co_await client->wait_container(id, {});
        auto logs = co_await client->logs(id, {});
        r.listing = logs.out;
        r.greeting = logs.err;
        co_return r;
    });
    CHECK(s.result.image_id.starts_with("sha256:"));
    REQUIRE(s.image1.has_value());
    REQUIRE(s.image2.has_value());
    CHECK(s.image1->id == s.result.image_id);
    CHECK(s.image2->id == s.result.image_id);
    CHECK(s.image1->labels["da.extra"] == "x");
    CHECK_FALSE(s.lines.empty());
    CHECK(s.greeting == "hello from args\n");
    CHECK(s.listing ==
          "./.dockerignore\n./Dockerfile\n./keep.txt\n./secret-keep.txt\n./sub/deep/y.txt\n");
}

TEST_CASE("a failing RUN step surfaces the daemon's message and the failing line", "[docker]") {
    test::scoped_context context("FROM " + test::busybox_base_image() +
                                 "\nRUN echo before-the-failure\n"
                                 "RUN echo about-to-fail && exit 7\n"
                                 "LABEL io.deploy-agent.test=1\n");
    std::vector<std::string> lines;
    try {
        run_async([&](auto ex) -> dc::net::awaitable<dc::build_result> {
            auto client = dc::make_client(ex, test::engine_client_options());
            dc::build_options b;
            b.context_dir = context.path();
            b.no_cache = true;
            co_return co_await client->build_image(
                b, [&lines](std::string_view l) { lines.emplace_back(l); });
        });
        FAIL("a failing build reported success");
    } catch (const dc::error& e) {
        CHECK(e.status() == 200);  // the failure came inside the 200 stream
        CHECK_THAT(e.daemon_message(), Catch::Contains("returned a non-zero code: 7"));
        std::string tail;
        for (const auto& l : e.log_tail()) {
            tail += l + "\n";
        }
        CHECK_THAT(tail, Catch::Contains("RUN echo about-to-fail && exit 7"));
        CHECK_THAT(tail, Catch::Contains("about-to-fail"));
        CHECK_THAT(e.what(), Catch::Contains("RUN echo about-to-fail"));
    }
    CHECK_FALSE(lines.empty());
}

TEST_CASE("a build with a missing Dockerfile or context fails with a message", "[docker]") {
    test::scoped_context context("FROM scratch\n");
    std::string missing_dockerfile, missing_dir;
    run_async([&](auto ex) -> dc::net::awaitable<void> {
        auto client = dc::make_client(ex, test::engine_client_options());
        dc::build_options b;
        b.context_dir = context.path();
        b.dockerfile = "Nope.Dockerfile";
        try {
            co_await client->build_image(b, {});
        } catch (const dc::error& e) {
            missing_dockerfile = e.what();
        }
        b.context_dir = context.path() + "/no-such-dir";
        try {
            co_await client->build_image(b, {});
        } catch (const dc::error& e) {
            missing_dir = e.what();
        }
    });
    CHECK_THAT(missing_dockerfile, Catch::Contains("Nope.Dockerfile"));
    CHECK_THAT(missing_dir, Catch::Contains("not a directory"));
}

}  // namespace docker_build_test
