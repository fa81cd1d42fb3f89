#include <catch2/catch.hpp>

#include <string>

#include "build_context.hpp"
#include "docker_client/error.hpp"

namespace dockerignore_test {

using docker_client::detail::dockerignore;

TEST_CASE("dockerignore: *, ? and [...] stay within one path segment", "[docker-client]") {
    dockerignore ignore("*.log\nbuild?\n[a-c]x\n[!0-9]y\n");
    CHECK(ignore.excludes("app.log"));
    CHECK_FALSE(ignore.excludes("sub/app.log"));
    CHECK(ignore.excludes("build1"));
    CHECK(ignore.excludes("build1/deep/file"));  // a matched directory takes what is below it
    CHECK_FALSE(ignore.excludes("build"));
    CHECK_FALSE(ignore.excludes("build12"));
    CHECK(ignore.excludes("bx"));
    CHECK_FALSE(ignore.excludes("dx"));
    CHECK(ignore.excludes("zy"));
    CHECK_FALSE(ignore.excludes("5y"));
    CHECK_FALSE(dockerignore("a*b").excludes("a/b"));
    CHECK_FALSE(dockerignore("a?b").excludes("a/b"));
}

TEST_CASE("dockerignore: ** crosses directories, at the start, middle and end", "[docker-client]") {
    dockerignore ignore("**/*.tmp\ndocs/**/draft.md\nvendor/**\n");
    CHECK(ignore.excludes("x.tmp"));
    CHECK(ignore.excludes("a/b/c/x.tmp"));
    CHECK(ignore.excludes("docs/draft.md"));
    CHECK(ignore.excludes("docs/a/b/draft.md"));
    CHECK_FALSE(ignore.excludes("docs/a/b/final.md"));
    CHECK(ignore.excludes("vendor/lib/x.go"));
    CHECK_FALSE(ignore.excludes("src/vendor.go"));
}

TEST_CASE("dockerignore: ! undoes an earlier match, the last match wins", "[docker-client]") {
    dockerignore ignore("*.md\n!README.md\nsecret*\n!secret-keep.txt\n");
    CHECK(ignore.has_exceptions());
    CHECK(ignore.excludes("notes.md"));
    CHECK_FALSE(ignore.excludes("README.md"));
    CHECK(ignore.excludes("secret.txt"));
    CHECK_FALSE(ignore.excludes("secret-keep.txt"));
    dockerignore again("!README.md\n*.md\n");
    CHECK(again.excludes("README.md"));
}

TEST_CASE("dockerignore: leading and trailing slashes, dots, comments, escapes",
          "[docker-client]") {
    dockerignore ignore("# a comment\n/node_modules/\n./tmp/../cache\n  spaced  \nlit\\*\n");
    CHECK(ignore.excludes("node_modules"));
    CHECK(ignore.excludes("node_modules/x/y.js"));
    CHECK(ignore.excludes("cache/z"));
    CHECK_FALSE(ignore.excludes("tmp"));
    CHECK(ignore.excludes("spaced"));
    CHECK(ignore.excludes("lit*"));
    CHECK_FALSE(ignore.excludes("litx"));
    CHECK_FALSE(ignore.excludes("# a comment"));
}

TEST_CASE("dockerignore: a 4000-character path is matched without deep recursion",
          "[docker-client]") {
    std::string deep;
    for (int i = 0; i < 1000; ++i) {
        deep += "abc/";
    }
    deep += "end.bin";
    REQUIRE(deep.size() > 4000);
    CHECK(dockerignore("**/*.bin").excludes(deep));
    CHECK(dockerignore("abc/**/end.bin").excludes(deep));
    CHECK_FALSE(dockerignore("**/*.txt").excludes(deep));
    CHECK(dockerignore("abc").excludes(deep));
    CHECK_FALSE(dockerignore("*/*/x*").excludes(deep));
    const std::string flat(4000, 'a');
    CHECK(dockerignore("*a*a*a*a*a*a*a*a*").excludes(flat));
    CHECK_FALSE(dockerignore("*a*a*a*a*a*a*a*a*b").excludes(flat));
}

TEST_CASE("dockerignore: a bad pattern is an error naming its line", "[docker-client]") {
    CHECK_THROWS_AS(dockerignore("ok\n[abc\n"), docker_client::error);
    CHECK_THROWS_WITH(dockerignore("ok\n\n[abc\n"),
                      Catch::Contains("line 3") && Catch::Contains("unterminated '['"));
    CHECK_THROWS_WITH(dockerignore("[z-a]"), Catch::Contains("line 1"));
    CHECK_THROWS_WITH(dockerignore("x\\"), Catch::Contains("trailing"));
}

}  // namespace dockerignore_test
