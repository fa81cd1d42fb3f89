#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "intake/verify_signature.hpp"
#include "support/environment.hpp"

namespace verify_signature_test {

using namespace agent;

namespace {

const std::string docs_secret = "It's a Secret to Everybody";
const std::string docs_sig =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

configured_secret secret_of(const std::string& raw) {
    return make_configured_secret(raw, "TEST");
}

std::string joined(const signature_check& c) {
    std::string out;
    for (const auto& l : c.lines) {
        out += l + "\n";
    }
    return out;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

std::string write_temp(const std::string& name, const std::string& content) {
    const std::string path = "/tmp/da_verify_signature_" + name;
    std::ofstream out(path, std::ios::binary);
    out << content;
    return path;
}

const std::string compact =
    R"({"ref":"refs/heads/main","after":"abc","repository":{"full_name":"o/r"}})";
const std::string pretty =
    "{\n  \"ref\": \"refs/heads/main\",\n  \"after\": \"abc\",\n  \"repository\": {\n"
    "    \"full_name\": \"o/r\"\n  }\n}\n";

}  // namespace

TEST_CASE("verify-signature: GitHub's published vector is a match", "[intake]") {
    auto c = check_signature("github", "Hello, World!", docs_sig, secret_of(docs_secret));
    CHECK(c.match);
    CHECK(joined(c) == "match\n");
    // Pasted with its header name, or quoted from JSON.
    CHECK(check_signature("github", "Hello, World!", "X-Hub-Signature-256: " + docs_sig,
                          secret_of(docs_secret))
              .match);
    CHECK(check_signature("github", "Hello, World!", "\"" + docs_sig + "\"", secret_of(docs_secret))
              .match);
}

TEST_CASE("verify-signature explains header problems", "[intake]") {
    auto sha1 =
        check_signature("github", "Hello, World!", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59",
                        secret_of(docs_secret));
    CHECK_FALSE(sha1.match);
    CHECK(contains(joined(sha1), "starts with 'sha1='"));
    CHECK(contains(joined(sha1), "as HMAC-SHA1 it does match"));

    auto bare =
        check_signature("github", "Hello, World!", docs_sig.substr(7), secret_of(docs_secret));
    CHECK(contains(joined(bare), "lacks the 'sha256=' prefix"));
    CHECK(contains(joined(bare), "the digest itself matches"));

    auto prefix = check_signature("github", "Hello, World!", "md5=" + docs_sig.substr(7),
                                  secret_of(docs_secret));
    CHECK(contains(joined(prefix), "prefix 'md5=' where 'sha256=' was expected"));

    auto length =
        check_signature("github", "Hello, World!", docs_sig.substr(0, 60), secret_of(docs_secret));
    CHECK(contains(joined(length), "has 53 hex digits, expected 64"));

    auto infisical = check_signature("infisical", "{}", docs_sig, secret_of(docs_secret));
    CHECK(contains(joined(infisical), "GitHub-style 'sha256=' prefix"));
}

TEST_CASE("verify-signature finds the secret's stripped newline and its whitespace", "[intake]") {
    const std::string sig = "sha256=" + hmac_sha256_hex("s3cret\n", compact);
    auto c = check_signature("github", compact, sig, secret_of("s3cret\n"));
    CHECK_FALSE(c.match);
    CHECK(contains(joined(c), "one trailing newline removed"));
    CHECK(contains(joined(c), "it would match with the trailing newline that deploy-agent strips"));

    auto ws = check_signature("github", compact, "sha256=" + hmac_sha256_hex("s3cret", compact),
                              secret_of(" s3cret"));
    CHECK(contains(joined(ws), "it would match with the whitespace around the configured secret"));
}

TEST_CASE("verify-signature finds payload-file problems", "[intake]") {
    const std::string sig = "sha256=" + hmac_sha256_hex("k", compact);
    auto newline = check_signature("github", compact + "\n", sig, secret_of("k"));
    CHECK(
        contains(joined(newline), "it would match without the newline at the end of the payload"));

    auto crlf_body = std::string("line1\r\nline2");
    auto crlf = check_signature("github", crlf_body,
                                "sha256=" + hmac_sha256_hex("k", "line1\nline2"), secret_of("k"));
    CHECK(contains(joined(crlf), "CRLF line ends"));

    auto bom = check_signature("github", "\xEF\xBB\xBF" + compact, sig, secret_of("k"));
    CHECK(contains(joined(bom), "byte-order mark"));

    auto recent = check_signature("github", pretty, sig, secret_of("k"));
    CHECK(contains(joined(recent), "re-serialized as compact JSON"));
    CHECK(contains(joined(recent), "Recent Deliveries"));

    auto both = check_signature("github", pretty, "sha256=" + hmac_sha256_hex("k\n", compact),
                                secret_of("k\n"));
    CHECK(contains(joined(both), "compact JSON"));
    CHECK(contains(joined(both), "and with the trailing newline"));

    auto form = check_signature(
        "github", compact,
        "sha256=" +
            hmac_sha256_hex(
                "k",
                "payload=" +
                    std::string("%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%2C%22after%22%3A%22abc"
                                "%22%2C%22repository%22%3A%7B%22full_name%22%3A%22o%2Fr%22%7D%7D")),
        secret_of("k"));
    CHECK(contains(joined(form), "form-encoded"));

    auto other = check_signature("github", pretty, "sha256=" + hmac_sha256_hex("other", compact),
                                 secret_of("k"));
    CHECK_FALSE(other.match);
    CHECK(contains(joined(other), "no usual cause explains it"));
    CHECK(contains(joined(other), "fingerprint " + secret_fingerprint("k")));
    CHECK(contains(joined(other), "pretty-printed"));
    CHECK_FALSE(contains(joined(other), hmac_sha256_hex("k", pretty)));
}

TEST_CASE("verify-signature, Infisical: t= must agree with the body", "[intake]") {
    const std::string body = R"({"event":"test","project":{},"timestamp":1767225600000})";
    const std::string hex = hmac_sha256_hex("k", body);
    CHECK(check_signature("infisical", body, "t=1767225600000;" + hex, secret_of("k")).match);
    CHECK(check_signature("infisical", body, hex, secret_of("k")).match);
    auto other_t = check_signature("infisical", body, "t=1767225600001;" + hex, secret_of("k"));
    CHECK_FALSE(other_t.match);
    CHECK(contains(joined(other_t), "differs from the payload's timestamp"));
}

TEST_CASE("run_verify_signature reads files and the environment", "[intake]") {
    const agent::environment none;
    const std::string payload = write_temp("payload.json", "Hello, World!");
    const std::string secret_file = write_temp("secret.txt", docs_secret + "\n");
    std::ostringstream out;
    CHECK(run_verify_signature({"github", payload, docs_sig, "", secret_file}, none, out) == 0);
    CHECK(out.str() == "match\n");

    const agent::environment wrong = test::env_of({{"DA_TEST_VERIFY_SECRET", "wrong"}});
    std::ostringstream bad;
    CHECK(run_verify_signature({"github", payload, docs_sig, "DA_TEST_VERIFY_SECRET", ""}, wrong,
                               bad) == 1);
    CHECK(contains(bad.str(), "no match"));

    std::ostringstream unset;
    CHECK(run_verify_signature({"github", payload, docs_sig, "DA_TEST_VERIFY_SECRET", ""}, none,
                               unset) == 2);
    CHECK(contains(unset.str(), "unset or empty"));
    std::ostringstream scheme;
    CHECK(run_verify_signature({"bitbucket", payload, docs_sig, "", secret_file}, none, scheme) == 2);
    std::ostringstream neither;
    CHECK(run_verify_signature({"github", payload, docs_sig, "", ""}, none, neither) == 2);
    std::ostringstream missing;
    CHECK(run_verify_signature({"github", "/nonexistent/x", docs_sig, "", secret_file}, none,
                               missing) == 2);

    // A fixture delivery, as the user would check it.
    const std::string fixture_path =
        std::string(DA_FIXTURES_DIR) + "/github/go-playground-webhooks/push.json";
    const std::string fixture_secret = write_temp("fixture-secret", "dev-fixture-secret");
    std::ostringstream fx;
    CHECK(run_verify_signature(
              {"github", fixture_path,
               "sha256=fdb21bb03818f4d0d6463f4c6dea6f50e2d76c16e25eafaa61c7743c44281b89", "",
               fixture_secret},
              none, fx) == 0);
    std::remove(payload.c_str());
    std::remove(secret_file.c_str());
    std::remove(fixture_secret.c_str());
}

TEST_CASE("body re-encoding hints", "[intake]") {
    auto h = body_reencoding_hints("payload=%7B%7D", "application/json");
    REQUIRE_FALSE(h.empty());
    CHECK(contains(h[0], "form-encoded"));
    CHECK(contains(body_reencoding_hints("{}", "application/x-www-form-urlencoded")[0],
                   "does not start with 'payload='"));
    CHECK(body_reencoding_hints(compact, "application/json").empty());
    CHECK(body_reencoding_hints("", "")[0] == "is empty");

    // Spaces inside strings are the payload's own; only whitespace between tokens is re-formatting.
    CHECK(body_reencoding_hints(R"({"message":"fix: a b  c"})", "application/json").empty());
}

TEST_CASE("body hints tell a stray trailing byte from pretty-printing", "[intake]") {
    auto trailing_space = body_reencoding_hints(R"({"a":1} )", "application/json");
    REQUIRE(trailing_space.size() == 1);
    CHECK(trailing_space[0] == "ends with whitespace, which GitHub's and Infisical's bodies do not");
    CHECK_FALSE(looks_pretty_printed(R"({"a":1} )"));

    auto trailing_newline = body_reencoding_hints("{\"a\":1}\n", "application/json");
    REQUIRE(trailing_newline.size() == 1);
    CHECK(contains(trailing_newline[0], "ends with a newline"));

    auto leading = body_reencoding_hints(R"(  {"a":1})", "application/json");
    REQUIRE(leading.size() == 1);
    CHECK(contains(leading[0], "starts with whitespace"));

    auto pretty = body_reencoding_hints("{\n  \"a\": [1, 2]\n}", "application/json");
    REQUIRE(pretty.size() == 1);
    CHECK(contains(pretty[0], "pretty-printed JSON"));
    CHECK(looks_pretty_printed("{\n  \"a\": [1, 2]\n}"));
    // An escaped quote does not end the string: the spaces after it are still inside.
    CHECK_FALSE(looks_pretty_printed(R"({"a":"say \" hi  "})"));
}

}  // namespace verify_signature_test
