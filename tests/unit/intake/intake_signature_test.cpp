#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>


#include "intake/signature.hpp"
#include "support/environment.hpp"

namespace intake_signature_test {

using namespace agent;

TEST_CASE("HMAC-SHA256 matches GitHub's published test vector", "[intake]") {
    // github/docs, "Validating webhook deliveries", section "Testing the webhook payload
    // validation".
    CHECK(hmac_sha256_hex("It's a Secret to Everybody", "Hello, World!") ==
          "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    CHECK(hmac_sha1_hex("It's a Secret to Everybody", "Hello, World!") ==
          "01dc10d0c83e72ed246219cdd91669667fe2ca59");
}

TEST_CASE("HMAC of empty key and empty data is well defined", "[intake]") {
    // RFC 4231 has no empty case; this is the widely published HMAC-SHA256("", "").
    CHECK(hmac_sha256_hex("", "") ==
          "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    CHECK(hmac_sha256_hex("", "x").size() == 64);
}

TEST_CASE("HMAC: a key's context serves message after message, among many keys", "[intake]") {
    // RFC 4231 test cases 1 and 2, interleaved and repeated: each message starts afresh with
    // its key, and a key pushed out of the per-thread contexts by others is set up again.
    const std::string key1(20, '\x0b');
    const std::string mac1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
    const std::string mac2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    for (int round = 0; round < 3; ++round) {
        CHECK(hmac_sha256_hex(key1, "Hi There") == mac1);
        CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") == mac2);
        CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") == mac2);
        for (int other = 0; other < 20; ++other) {
            CHECK(hmac_sha256_hex("key-" + std::to_string(other), "x").size() == 64);
        }
    }
    CHECK(hmac_sha1_hex("It's a Secret to Everybody", "Hello, World!") ==
          "01dc10d0c83e72ed246219cdd91669667fe2ca59");
    CHECK(hmac_sha256_hex("It's a Secret to Everybody", "Hello, World!") ==
          "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST_CASE("constant_time_equal compares bytes and lengths", "[intake]") {
    CHECK(constant_time_equal("", ""));
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
    CHECK_FALSE(constant_time_equal("", "a"));
}

TEST_CASE("secret_fingerprint is the first 8 hex of SHA-256", "[intake]") {
    // printf %s "It's a Secret to Everybody" | sha256sum | cut -c1-8
    CHECK(secret_fingerprint("It's a Secret to Everybody") == "2f8894d9");
    CHECK(secret_fingerprint("dev-fixture-secret") == "1922099a");
    CHECK(sha256_hex("").substr(0, 8) == "e3b0c442");
}

TEST_CASE("configured secrets lose exactly one trailing newline and remember it", "[intake]") {
    auto plain = make_configured_secret("s3cret", "T");
    CHECK(plain.value == "s3cret");
    CHECK_FALSE(plain.had_trailing_newline());
    CHECK_FALSE(plain.has_surrounding_whitespace());

    auto lf = make_configured_secret("s3cret\n", "T");
    CHECK(lf.value == "s3cret");
    CHECK(lf.removed_newline == "\n");
    CHECK_FALSE(lf.trailing_whitespace);

    auto crlf = make_configured_secret("s3cret\r\n", "T");
    CHECK(crlf.value == "s3cret");
    CHECK(crlf.removed_newline == "\r\n");

    auto two = make_configured_secret("s3cret\n\n", "T");
    CHECK(two.value == "s3cret\n");
    CHECK(two.trailing_whitespace);

    auto spaced = make_configured_secret(" s3cret \n", "T");
    CHECK(spaced.value == " s3cret ");
    CHECK(spaced.leading_whitespace);
    CHECK(spaced.trailing_whitespace);
    CHECK(describe_secret(spaced).find("leading and trailing whitespace") != std::string::npos);
    CHECK(describe_secret(spaced).find("one trailing newline removed") != std::string::npos);
    CHECK(describe_secret(spaced).find(secret_fingerprint(" s3cret ")) != std::string::npos);
    CHECK(describe_secret(spaced).find("s3cret") == std::string::npos);
}

TEST_CASE("secrets are read from the environment byte for byte", "[intake]") {
    auto s = read_secret_from_env(test::env_of({{"DA_TEST_INTAKE_SECRET", "abc \n"}}),
                                  "DA_TEST_INTAKE_SECRET");
    REQUIRE(s);
    CHECK(s->value == "abc ");
    CHECK(s->had_trailing_newline());
    CHECK(s->trailing_whitespace);
    CHECK(s->origin == "DA_TEST_INTAKE_SECRET");

    CHECK_FALSE(read_secret_from_env(test::env_of({{"DA_TEST_INTAKE_SECRET", "\n"}}),
                                     "DA_TEST_INTAKE_SECRET"));
    CHECK_FALSE(read_secret_from_env(agent::environment(), "DA_TEST_INTAKE_SECRET"));
}

TEST_CASE("secrets are read from files, trailing newline stripped once", "[intake]") {
    const std::string path = "/tmp/da_intake_secret_test.txt";
    {
        std::ofstream out(path, std::ios::binary);
        out << "file-secret\r\n";
    }
    std::string error;
    auto s = read_secret_from_file(path, &error);
    REQUIRE(s);
    CHECK(s->value == "file-secret");
    CHECK(s->removed_newline == "\r\n");
    CHECK(s->origin == "file " + path);
    std::remove(path.c_str());

    CHECK_FALSE(read_secret_from_file(path, &error));
    CHECK(error.find("cannot open") != std::string::npos);
}

TEST_CASE("GitHub signature headers are parsed strictly", "[intake]") {
    const std::string hex = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    auto ok = parse_github_signature_header("sha256=" + hex, "sha256");
    CHECK(ok.ok());
    CHECK(ok.algorithm == "sha256");
    CHECK(ok.hex == hex);

    auto upper = parse_github_signature_header(
        "  SHA256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17 ", "sha256");
    CHECK(upper.ok());
    CHECK(upper.hex == hex);

    auto bare = parse_github_signature_header(hex, "sha256");
    CHECK_FALSE(bare.ok());
    CHECK(bare.problem.find("no 'sha256=' prefix") != std::string::npos);

    auto sha1 =
        parse_github_signature_header("sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59", "sha256");
    CHECK_FALSE(sha1.ok());
    CHECK(sha1.algorithm == "sha1");
    CHECK(sha1.problem.find("'sha1='") != std::string::npos);

    auto short_hex =
        parse_github_signature_header("sha256=01dc10d0c83e72ed246219cdd91669667fe2ca59", "sha256");
    CHECK(short_hex.problem.find("has 40 hex digits, expected 64") != std::string::npos);
    CHECK(short_hex.problem.find("SHA1") != std::string::npos);

    auto junk = parse_github_signature_header("sha256=zz" + hex.substr(2), "sha256");
    CHECK(junk.problem.find("non-hex character at position 1") != std::string::npos);
    CHECK(junk.problem.find(hex.substr(2)) == std::string::npos);

    CHECK(parse_github_signature_header("", "sha256").problem == "the header is empty");
    CHECK(parse_github_signature_header("sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59", "sha1")
              .ok());
}

TEST_CASE("Infisical signature headers: t=<ms>,<hex> and plain hex", "[intake]") {
    const std::string hex = "46b5240cf875c426dae570ffd3c272598efb354a56c915f62eae4ff009420e5b";
    auto t = parse_infisical_signature_header("t=1767225600000;" + hex);
    REQUIRE(t.ok());
    CHECK(t.timestamp == 1767225600000);
    CHECK(t.hex == hex);

    auto plain = parse_infisical_signature_header(hex);
    REQUIRE(plain.ok());
    CHECK_FALSE(plain.timestamp);

    CHECK(parse_infisical_signature_header("t=1767225600000").problem.find("';'") !=
          std::string::npos);
    CHECK(parse_infisical_signature_header("t=abc;" + hex).problem.find("timestamp") !=
          std::string::npos);
    CHECK(parse_infisical_signature_header("t=1;" + hex.substr(1)).problem.find("63 hex digits") !=
          std::string::npos);
    CHECK(parse_infisical_signature_header("sha256=" + hex).problem.find("GitHub-style") !=
          std::string::npos);
    CHECK_FALSE(parse_infisical_signature_header("t=99999999999999999999;" + hex).ok());
}

}  // namespace intake_signature_test
