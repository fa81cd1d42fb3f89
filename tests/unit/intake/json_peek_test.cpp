#include <catch2/catch.hpp>

#include "intake/json_peek.hpp"

namespace json_peek_test {

using agent::peek_string_member;

TEST_CASE("peek_string_member finds repository.full_name without the rest", "[intake]") {
    CHECK(peek_string_member(R"({"ref":"x","repository":{"id":1,"owner":{"full_name":"no"},)"
                             R"("full_name":"octo/web"},"commits":[)",  // truncated after it
                             "repository", "full_name") == "octo/web");
    CHECK(peek_string_member(R"({"commits":[{"repository":{"full_name":"nested"}}],)"
                             R"("repository":{"full_name":"top/level"}})",
                             "repository", "full_name") == "top/level");
    // Escapes are decoded as a full parse would.
    CHECK(peek_string_member(R"({"repository":{"full_name":"a\/b"}})", "repository",
                             "full_name") == "a/b");
}

TEST_CASE("peek_string_member answers nothing where a DOM lookup would", "[intake]") {
    const char* none[] = {
        "",
        "[]",
        R"([{"repository":{"full_name":"a/b"}}])",
        R"({"repository":"a/b"})",
        R"({"repository":["a/b"]})",
        R"({"repository":{"name":"b"},"full_name":"a/b"})",
        R"({"repository":{"full_name":1}})",
        R"({"repository":{"owner":{"full_name":"a/b"}}})",
        // only the first member named repository counts
        R"({"repository":{},"repository":{"full_name":"a/b"}})",
        R"({"repository":{"full_name")",
        "{\"repository\":{\"full_name\":\"a/b",
        "not json",
    };
    for (const char* text : none) {
        INFO(text);
        CHECK_FALSE(peek_string_member(text, "repository", "full_name").has_value());
    }
}

}  // namespace json_peek_test
