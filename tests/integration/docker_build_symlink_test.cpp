// Symbolic links in a build context travel as links and are never followed out of the context.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/engine.hpp"
#include "support/fixtures.hpp"
#include "support/run_async.hpp"

namespace docker_build_symlink_test {

namespace dc = docker_client;
namespace fs = std::filesystem;
using test::run_async;

namespace {

struct build_outcome {
    std::vector<std::string> lines;
    std::string error;
};

build_outcome build(const std::string& dir, const std::string& tag) {
    return run_async([&](auto ex) -> dc::net::awaitable<build_outcome> {
        auto client = dc::make_client(ex, test::engine_client_options());
        build_outcome out;
        dc::build_options b;
        b.context_dir = dir;
        b.tags = {tag};
        b.no_cache = true;
        b.labels = {{"io.deploy-agent.test", "1"}};
        try {
            co_await client->build_image(b, [&out](std::string_view l) { out.lines.emplace_back(l); });
        } catch (const dc::error& e) {
            out.error = e.what();
        }
        co_return out;
    });
}

std::string joined(const std::vector<std::string>& lines) {
    std::string all;
    for (const auto& l : lines) {
        all += l + "\n";
    }
    return all;
}

}  // namespace

TEST_CASE("build context: symlinks are stored as links and never followed outside", "[docker]") {
    test::temp_dir outside("da-outside");
    std::ofstream(outside.path / "secret.txt") << "da-outside-secret-content";
    fs::create_directories(outside.path / "dir");
    std::ofstream(outside.path / "dir" / "inner.txt") << "da-outside-dir-content";

    test::scoped_context context(
        "FROM " + test::busybox_base_image() +
        "\nCOPY . /ctx\n"
        "RUN echo link:$(readlink /ctx/abs-link) && echo dirlink:$(readlink /ctx/dir-link) && "
        "(cat /ctx/abs-link 2>/dev/null || echo abs-not-followed) && "
        "(cat /ctx/dir-link/inner.txt 2>/dev/null || echo dir-not-followed) && "
        "cat /ctx/inside-link\n");
    const fs::path root = context.path();
    context.write("real.txt", "da-inside-content");
    fs::create_symlink(outside.path / "secret.txt", root / "abs-link");
    fs::create_directory_symlink(outside.path / "dir", root / "dir-link");
    fs::create_symlink("real.txt", root / "inside-link");
    test::scoped_images images;
    const std::string tag = "da-test/" + test::unique_name("symlinks") + ":v1";
    images.add(tag);

    auto out = build(root.string(), tag);
    const std::string log = joined(out.lines);
    INFO(out.error << "\n" << log);
    REQUIRE(out.error.empty());
    CHECK_THAT(log, Catch::Contains("link:" + (outside.path / "secret.txt").string()));
    CHECK_THAT(log, Catch::Contains("dirlink:" + (outside.path / "dir").string()));
    CHECK_THAT(log, Catch::Contains("abs-not-followed"));
    CHECK_THAT(log, Catch::Contains("dir-not-followed"));
    CHECK_THAT(log, Catch::Contains("da-inside-content"));
    CHECK_THAT(log, !Catch::Contains("da-outside-secret-content"));
    CHECK_THAT(log, !Catch::Contains("da-outside-dir-content"));

    // A .dockerignore that is a link (e.g. to a file of the host) is refused, not read.
    fs::create_symlink(outside.path / "secret.txt", root / ".dockerignore");
    auto refused = build(root.string(), tag);
    CHECK_THAT(refused.error, Catch::Contains(".dockerignore is a symbolic link"));
}

}  // namespace docker_build_symlink_test
