// The one helper per encoding: base64 (both alphabets), hex, percent-encoding, JSON members.
#include <rapidjson/document.h>
#include <catch2/catch.hpp>

#include "common/base64url.hpp"
#include "common/hex.hpp"
#include "common/json_member.hpp"
#include "common/url.hpp"

namespace encoding_test {

using namespace agent;

TEST_CASE("base64: the standard alphabet is padded, base64url is not", "[common]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode("\xfb\xff") == "+/8=");
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    CHECK(base64url_encode("f") == "Zg");
    CHECK(base64url_decode(base64url_encode("any bytes \x01\xfe")) == "any bytes \x01\xfe");
}

TEST_CASE("hex: two digits a byte", "[common]") {
    CHECK(to_hex("") == "");
    CHECK(to_hex(std::string("\x00\x0f\xa0\xff", 4)) == "000fa0ff");
    std::string out = "%";
    append_hex(out, 0xab, true);
    append_hex(out, 0x0c);
    CHECK(out == "%AB0c");
}

TEST_CASE("percent-encoding keeps only the unreserved characters", "[common]") {
    CHECK(percent_encode("/a b&c") == "%2Fa%20b%26c");
    CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(percent_encode("a b+c", true) == "a+b%2Bc");
    CHECK(percent_encode("\xc3\xa9") == "%C3%A9");
}

TEST_CASE("json_member: a member, or null for a missing one or a non-object", "[common]") {
    rapidjson::Document doc;
    doc.Parse(R"({"a":1,"n":null,"o":{"b":"x"}})");
    REQUIRE(json_member(doc, "a") != nullptr);
    CHECK(json_member(doc, "a")->GetInt() == 1);
    REQUIRE(json_member(doc, "n") != nullptr);
    CHECK(json_member(doc, "n")->IsNull());
    CHECK(json_member(doc, "missing") == nullptr);
    CHECK(json_member(*json_member(doc, "a"), "b") == nullptr);  // not an object
    CHECK(std::string(json_member(*json_member(doc, "o"), "b")->GetString()) == "x");
}

}  // namespace encoding_test
