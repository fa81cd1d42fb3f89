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

TEST_CASE("peek_string_member: unverified bodies of any shape cost one pass and no memory "
          "beyond them",
          "[intake]") {
    using agent::json_peek_limits;
    // 25 MB of unclosed '[' (before: 235 MB and 295 ms in RapidJSON's stack), of one string,
    // of nested objects: each answers nothing, at once.
    const std::string brackets = R"({"commits":)" + std::string(25'000'000, '[');
    CHECK_FALSE(peek_string_member(brackets, "repository", "full_name").has_value());
    const std::string long_string = R"({"commits":")" + std::string(25'000'000, 'x') + "\"";
    CHECK_FALSE(peek_string_member(long_string, "repository", "full_name").has_value());
    std::string objects = "{";
    for (int i = 0; i < 100'000; ++i) {
        objects += R"("a":{)";
    }
    CHECK_FALSE(peek_string_member(objects, "repository", "full_name").has_value());

    // Within the depth bound a skipped value does not hide the answer; beyond it, nothing.
    const auto nested = [](int depth) {
        return R"({"commits":)" + std::string(static_cast<std::size_t>(depth), '[') +
               std::string(static_cast<std::size_t>(depth), ']') +
               R"(,"repository":{"full_name":"octo/web"}})";
    };
    CHECK(peek_string_member(nested(json_peek_limits::max_depth), "repository", "full_name") ==
          "octo/web");
    CHECK_FALSE(
        peek_string_member(nested(json_peek_limits::max_depth + 1), "repository", "full_name")
            .has_value());

    // A key longer than the bound matches nothing; an answer longer than it is no answer.
    const std::string long_key = R"({")" + std::string(json_peek_limits::max_key_bytes + 1, 'k') +
                                 R"(":1,"repository":{"full_name":"octo/web"}})";
    CHECK(peek_string_member(long_key, "repository", "full_name") == "octo/web");
    const std::string long_value = R"({"repository":{"full_name":")" +
                                   std::string(json_peek_limits::max_value_bytes + 1, 'v') +
                                   "\"}}";
    CHECK_FALSE(peek_string_member(long_value, "repository", "full_name").has_value());
}

TEST_CASE("peek_string_member decodes keys and values as a full parse would", "[intake]") {
    CHECK(peek_string_member(R"({"repos\u0069tory":{"full_\u006eame":"octo\/w\u00e9b"}})",
                             "repository", "full_name") == "octo/w\xc3\xa9"
                                                           "b");
    CHECK(peek_string_member(R"({"a":"\"}{","b":[1,-2.5e3,true,false,null,{"c":[]}],)"
                             "\n \"repository\" : { \"x\" : {} , \"full_name\" : \"o/w\" } }",
                             "repository", "full_name") == "o/w");
    CHECK(peek_string_member(R"({"repository":{"full_name":"\ud83d\ude00"}})", "repository",
                             "full_name") == "\xf0\x9f\x98\x80");
    CHECK_FALSE(peek_string_member(R"({"repository":{"full_name":"\ud83d"}})", "repository",
                                   "full_name")
                    .has_value());
    CHECK_FALSE(peek_string_member("{\"repository\":{\"full_name\":\"a\x01\"}}", "repository",
                                   "full_name")
                    .has_value());
}

}  // namespace json_peek_test
