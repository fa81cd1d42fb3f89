#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <string>

#include "cli/token_command.hpp"
#include "api/bearer_token.hpp"
#include "api/token_settings.hpp"
#include "common/base64url.hpp"
#include "support/environment.hpp"

namespace bearer_token_test {

using namespace agent;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

system_clock::time_point at(std::int64_t unix_seconds) {
    return system_clock::time_point{} + seconds{unix_seconds};
}

// base64url without padding through OpenSSL's own encoder, independent of the code under test.
std::string openssl_b64url(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') {
        out.pop_back();
    }
    for (char& c : out) {
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    return out;
}

std::string openssl_hs256(const std::string& key, const std::string& data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &size);
    return std::string(reinterpret_cast<const char*>(mac), size);
}

// A token built by hand: any header and claims, signed with `key` (HS256) unless a signature
// part is given.
std::string hand_token(const std::string& header, const std::string& claims, const std::string& key,
                       std::optional<std::string> signature_part = std::nullopt) {
    std::string input = openssl_b64url(header) + "." + openssl_b64url(claims);
    return input + "." + signature_part.value_or(openssl_b64url(openssl_hs256(key, input)));
}

const std::string hs256_header = R"({"alg":"HS256","typ":"JWT"})";

// Claims as this agent requires them (issuer, audience, iat), followed by `rest`.
std::string claims_with(const std::string& rest, std::int64_t iat = 1700000000) {
    return R"({"iss":"deploy-agent","aud":"deploy-agent-api","iat":)" + std::to_string(iat) +
           (rest.empty() ? "" : "," + rest) + "}";
}
const std::string secret = "a-test-secret-of-reasonable-length";

std::string bearer(const std::string& token) {
    return "Bearer " + token;
}

}  // namespace

TEST_CASE("base64url round-trips and refuses padding, bad characters and stray bits", "[api]") {
    for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\xfd"}) {
        CHECK(base64url_encode(s) == openssl_b64url(s));
        CHECK(base64url_decode(base64url_encode(s)) == s);
    }
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    CHECK_FALSE(base64url_decode("Zg==").has_value());    // padding
    CHECK_FALSE(base64url_decode("Zm9v+w").has_value());  // '+' is base64, not base64url
    CHECK_FALSE(base64url_decode("Z").has_value());       // 4k+1 characters
    CHECK_FALSE(base64url_decode("Zh").has_value());      // unused bits set ("Zg" is canonical)
    CHECK(base64url_decode("Zg") == std::string("f"));
}

TEST_CASE("RFC 7515 appendix A.1: the published HS256 JWS verifies", "[api]") {
    // Key and token from RFC 7515 A.1 (the key is the JWK "k", base64url).
    const auto key = base64url_decode(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
    REQUIRE(key.has_value());
    const std::string token =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0"
        "cnVlfQ."
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    // The signature verifies; its claims ("iss":"joe", no "aud") are not this agent's.
    auto check = verify_token(bearer(token), *key, at(1300819370));
    CHECK_FALSE(check.ok);
    CHECK(check.problem == "wrong issuer or audience");
    CHECK(verify_token(bearer(token), "another key", at(1300819370)).problem == "bad signature");
}

TEST_CASE("issue_token matches an HS256 JWT computed independently with OpenSSL", "[api]") {
    const auto now = at(1700000000);
    const std::string claims =
        R"({"iss":"deploy-agent","aud":"deploy-agent-api","sub":"alice","iat":1700000000,"exp":1700003600})";
    const std::string expected = hand_token(hs256_header, claims, secret);
    CHECK(issue_token(secret, "alice", seconds{3600}, now) == expected);

    auto check = verify_token(bearer(expected), secret, now + seconds{10});
    CHECK(check.ok);
    CHECK(check.subject == "alice");
    CHECK(check.expires_at == at(1700003600));
    // exp is the first instant it is no longer valid (no leeway on expiry).
    CHECK(verify_token(bearer(expected), secret, at(1700003600)).problem == "expired");
}

TEST_CASE("issue_token refuses an empty secret and a non-positive lifetime", "[api]") {
    CHECK_THROWS_AS(issue_token("", "x", seconds{60}, at(0)), std::invalid_argument);
    CHECK_THROWS_AS(issue_token(secret, "x", seconds{0}, at(0)), std::invalid_argument);
    CHECK_THROWS_AS(issue_token(secret, "x", seconds{-5}, at(0)), std::invalid_argument);
}

TEST_CASE("the Authorization header: scheme, spaces, absence", "[api]") {
    const auto now = at(1700000000);
    const std::string token = issue_token(secret, "bob", seconds{60}, now);
    CHECK(verify_token("Bearer " + token, secret, now).ok);
    CHECK(verify_token("bearer " + token, secret, now).ok);
    CHECK(verify_token("  Bearer   " + token + "  ", secret, now).ok);
    CHECK(verify_token("", secret, now).problem == "missing bearer token");
    CHECK(verify_token("Bearer", secret, now).problem == "missing bearer token");
    CHECK(verify_token("Bearer   ", secret, now).problem == "missing bearer token");
    CHECK(verify_token("Basic dXNlcjpwYXNz", secret, now).problem == "missing bearer token");
    CHECK(verify_token(token, secret, now).problem == "missing bearer token");  // no scheme
}

TEST_CASE("expired and not-yet-valid tokens", "[api]") {
    const auto now = at(1700000000);
    SECTION("expired an hour ago") {
        auto check = verify_token(
            bearer(issue_token(secret, "a", seconds{60}, now - seconds{3600})), secret, now);
        CHECK_FALSE(check.ok);
        CHECK(check.problem == "expired");
        CHECK(check.detail.find("3540 s ago") != std::string::npos);
    }
    SECTION("one second before exp is still valid") {
        auto token = issue_token(secret, "a", seconds{60}, now - seconds{59});
        CHECK(verify_token(bearer(token), secret, now).ok);
    }
    SECTION("nbf within the leeway passes, beyond it does not") {
        auto near =
            hand_token(hs256_header, claims_with(R"("exp":1700003600,"nbf":1700000020)"), secret);
        CHECK(verify_token(bearer(near), secret, now).ok);
        auto far =
            hand_token(hs256_header, claims_with(R"("exp":1700003600,"nbf":1700000100)"), secret);
        CHECK(verify_token(bearer(far), secret, now).problem == "not yet valid");
    }
    SECTION("iat in the future beyond the leeway") {
        auto token = issue_token(secret, "a", seconds{3600}, now + seconds{120});
        CHECK(verify_token(bearer(token), secret, now).problem == "not yet valid");
        auto skewed = issue_token(secret, "a", seconds{3600}, now + seconds{29});
        CHECK(verify_token(bearer(skewed), secret, now).ok);
    }
    SECTION("absurd exp: 1e308, a fraction, negative, zero, beyond 2^53") {
        for (const char* exp : {"1e308", "1700000000.5", "-1", "0", "9007199254740993",
                                "1.7e9", "\"1700003600\""}) {
            auto token = hand_token(hs256_header, claims_with(std::string(R"("exp":)") + exp),
                                    secret);
            auto check = verify_token(bearer(token), secret, now);
            CHECK_FALSE(check.ok);
            CHECK(check.problem == "malformed token");
        }
    }
}

TEST_CASE("a wrong signature is refused", "[api]") {
    const auto now = at(1700000000);
    const std::string token = issue_token(secret, "a", seconds{60}, now);
    SECTION("signed with another secret") {
        CHECK(verify_token(bearer(issue_token("other", "a", seconds{60}, now)), secret, now)
                  .problem == "bad signature");
    }
    SECTION("claims altered after signing") {
        auto dot1 = token.find('.');
        auto dot2 = token.find('.', dot1 + 1);
        std::string forged = token.substr(0, dot1 + 1) +
                             openssl_b64url(R"({"sub":"root","iat":1700000000,"exp":1900000000})") +
                             token.substr(dot2);
        CHECK(verify_token(bearer(forged), secret, now).problem == "bad signature");
    }
    SECTION("signature truncated or empty") {
        CHECK(verify_token(bearer(token.substr(0, token.size() - 3)), secret, now).problem ==
              "bad signature");
        CHECK(verify_token(bearer(token.substr(0, token.rfind('.') + 1)), secret, now).problem ==
              "bad signature");
    }
    SECTION("an empty secret refuses everything") {
        CHECK(verify_token(bearer(token), "", now).problem == "bad signature");
    }
}

TEST_CASE("only HS256 is accepted: alg none, HS512, RS256, missing alg", "[api]") {
    const auto now = at(1700000000);
    const std::string claims = claims_with(R"("sub":"a","exp":1700003600)");
    auto none = hand_token(R"({"alg":"none","typ":"JWT"})", claims, secret, std::string{});
    CHECK(verify_token(bearer(none), secret, now).problem == "unsupported alg");
    auto none_signed = hand_token(R"({"alg":"none"})", claims, secret);
    CHECK(verify_token(bearer(none_signed), secret, now).problem == "unsupported alg");

    // An HS512 token correctly signed with the same secret is still refused.
    std::string input =
        openssl_b64url(R"({"alg":"HS512","typ":"JWT"})") + "." + openssl_b64url(claims);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha512(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &size);
    auto hs512 = input + "." + openssl_b64url(std::string(reinterpret_cast<char*>(mac), size));
    CHECK(verify_token(bearer(hs512), secret, now).problem == "unsupported alg");

    CHECK(verify_token(bearer(hand_token(R"({"alg":"RS256"})", claims, secret)), secret, now)
              .problem == "unsupported alg");
    CHECK(verify_token(bearer(hand_token(R"({"alg":"hs256"})", claims, secret)), secret, now)
              .problem == "unsupported alg");
    CHECK(
        verify_token(bearer(hand_token(R"({"typ":"JWT"})", claims, secret)), secret, now).problem ==
        "unsupported alg");
    CHECK(verify_token(bearer(hand_token(R"({"alg":256})", claims, secret)), secret, now).problem ==
          "unsupported alg");
}

TEST_CASE("malformed tokens: base64, JSON, structure, claims", "[api]") {
    const auto now = at(1700000000);
    const std::string good_claims = claims_with(R"("exp":1700003600)");
    auto problem = [&](const std::string& token) {
        return verify_token(bearer(token), secret, now).problem;
    };
    const std::string token = issue_token(secret, "a", seconds{60}, now);

    CHECK(problem("garbage") == "malformed token");
    CHECK(problem("a.b") == "malformed token");
    CHECK(problem("a.b.c.d") == "malformed token");
    CHECK(problem("..") == "malformed token");
    CHECK(problem(std::string(9000, 'a')) == "malformed token");
    CHECK(problem("!!!." + token.substr(token.find('.') + 1)) == "malformed token");
    // Padding in any part is not base64url-without-padding.
    CHECK(problem(token + "=") == "malformed token");
    std::string padded_header = openssl_b64url(hs256_header) + "=" + token.substr(token.find('.'));
    CHECK(problem(padded_header) == "malformed token");

    CHECK(problem(hand_token("not json", good_claims, secret)) == "malformed token");
    CHECK(problem(hand_token(R"(["alg","HS256"])", good_claims, secret)) == "malformed token");
    CHECK(problem(hand_token(R"({"alg":"HS256","alg":"none"})", good_claims, secret)) ==
          "malformed token");
    CHECK(problem(hand_token(R"({"alg":"HS256","typ":"JOSE+JSON"})", good_claims, secret)) ==
          "malformed token");
    CHECK(problem(hand_token(R"({"alg":"HS256","crit":["exp"]})", good_claims, secret)) ==
          "malformed token");

    // Claims are only read once the signature holds, so these are all correctly signed.
    CHECK(problem(hand_token(hs256_header, claims_with(R"("sub":"a")"), secret)) == "malformed token");
    CHECK(problem(hand_token(hs256_header, claims_with(R"("exp":"1700003600")"), secret)) ==
          "malformed token");
    CHECK(problem(hand_token(hs256_header, claims_with(R"("exp":1700003600,"nbf":true)"), secret)) ==
          "malformed token");
    CHECK(problem(hand_token(hs256_header, claims_with(R"("exp":1700003600,"sub":7)"), secret)) ==
          "malformed token");
    CHECK(problem(hand_token(hs256_header, claims_with(R"("exp":1700003600,"exp":1)"), secret)) ==
          "malformed token");
    CHECK(problem(hand_token(hs256_header, "[1700003600]", secret)) == "malformed token");
    CHECK(problem(hand_token(hs256_header, "{\"exp\":", secret)) == "malformed token");
    CHECK(problem(hand_token(hs256_header, std::string(5000, '['), secret)) == "malformed token");

    // The detail for the log never repeats the token or its signature.
    auto check = verify_token(bearer(token + "x"), secret, now);
    CHECK_FALSE(check.ok);
    CHECK(check.detail.find(token.substr(token.rfind('.') + 1)) == std::string::npos);
}

TEST_CASE("token --ttl values: seconds or one unit", "[api]") {
    CHECK(parse_token_ttl("3600") == seconds{3600});
    CHECK(parse_token_ttl("90s") == seconds{90});
    CHECK(parse_token_ttl("90m") == seconds{5400});
    CHECK(parse_token_ttl("12h") == seconds{43200});
    CHECK(parse_token_ttl("7d") == seconds{604800});
    for (auto bad : {"", "0", "0h", "h", "-5", "1.5h", "1h30m", " 1h", "1w", "1234567890"}) {
        CHECK_FALSE(parse_token_ttl(bad).has_value());
    }
}

TEST_CASE("deploy-agent token prints a token the API accepts, or names JWT_SECRET", "[api]") {
    std::ostringstream out;
    std::ostringstream err;
    SECTION("unset") {
        CHECK(run_token_command(agent::environment(), seconds{3600}, out, err) == 2);
        CHECK(out.str().empty());
        CHECK(err.str().find("JWT_SECRET") != std::string::npos);
    }
    SECTION("set (with the trailing newline a file or heredoc leaves)") {
        const agent::environment env =
            test::env_of({{"JWT_SECRET", "token-command-secret-of-32-bytes+\n"}});
        CHECK(run_token_command(env, seconds{7200}, out, err) == 0);
        const std::string text = out.str();
        REQUIRE(!text.empty());
        CHECK(text.back() == '\n');
        CHECK(std::count(text.begin(), text.end(), '\n') == 1);
        const std::string token = text.substr(0, text.size() - 1);
        auto check = verify_token("Bearer " + token, "token-command-secret-of-32-bytes+",
                                  system_clock::now());
        CHECK(check.ok);
        CHECK(check.subject == "operator");
        REQUIRE(check.expires_at.has_value());
        CHECK(*check.expires_at > system_clock::now() + seconds{7100});
        CHECK(err.str().find(token) == std::string::npos);
        CHECK(err.str().find("token-command-secret") == std::string::npos);
    }
    SECTION("a lifetime out of range: beyond TOKEN_MAX_TTL (default 30 days)") {
        const std::string jwt(32, 'k');
        const agent::environment env = test::env_of({{"JWT_SECRET", jwt}});
        CHECK(run_token_command(env, seconds{0}, out, err) == 2);
        CHECK(run_token_command(env, default_token_max_ttl + seconds{1}, out, err) == 2);
        CHECK(err.str().find("TOKEN_MAX_TTL") != std::string::npos);
        const agent::environment hour =
            test::env_of({{"JWT_SECRET", jwt}, {"TOKEN_MAX_TTL", "1h"}});
        CHECK(run_token_command(hour, seconds{3601}, out, err) == 2);
        CHECK(out.str().empty());
        CHECK(run_token_command(hour, seconds{3600}, out, err) == 0);
        const agent::environment forever =
            test::env_of({{"JWT_SECRET", jwt}, {"TOKEN_MAX_TTL", "forever"}});
        CHECK(run_token_command(forever, seconds{60}, out, err) == 2);
    }
    SECTION("a short JWT_SECRET, or one shared with a webhook, is refused") {
        CHECK(run_token_command(test::env_of({{"JWT_SECRET", "short"}}), seconds{60}, out,
                                err) == 2);
        CHECK(err.str().find("at least 32") != std::string::npos);
        const std::string shared(40, 'w');
        const agent::environment env =
            test::env_of({{"JWT_SECRET", shared}, {"WEBHOOK_SECRET", shared}});
        CHECK(run_token_command(env, seconds{60}, out, err) == 2);
        CHECK(err.str().find("same as WEBHOOK_SECRET") != std::string::npos);
        CHECK(err.str().find(shared) == std::string::npos);
        CHECK(out.str().empty());
    }
}

TEST_CASE("tokens carry and require iss and aud", "[api]") {
    const auto now = at(1700000000);
    const std::string token = issue_token(secret, "a", seconds{60}, now);
    const std::string claims_part = token.substr(token.find('.') + 1, token.rfind('.') -
                                                                          token.find('.') - 1);
    const auto claims = base64url_decode(claims_part);
    REQUIRE(claims);
    CHECK(claims->find(R"("iss":"deploy-agent")") != std::string::npos);
    CHECK(claims->find(R"("aud":"deploy-agent-api")") != std::string::npos);

    auto problem = [&](const std::string& c) {
        return verify_token(bearer(hand_token(hs256_header, c, secret)), secret, now).problem;
    };
    const std::string times = R"("iat":1700000000,"exp":1700000600)";
    CHECK(problem("{" + times + "}") == "wrong issuer or audience");
    CHECK(problem(R"({"iss":"deploy-agent",)" + times + "}") == "wrong issuer or audience");
    CHECK(problem(R"({"iss":"someone-else","aud":"deploy-agent-api",)" + times + "}") ==
          "wrong issuer or audience");
    CHECK(problem(R"({"iss":"deploy-agent","aud":"grafana",)" + times + "}") ==
          "wrong issuer or audience");
    CHECK(problem(R"({"iss":"deploy-agent","aud":["grafana","deploy-agent-api"],)" + times + "}")
              .empty());
    CHECK(problem(R"({"iss":"deploy-agent","aud":"deploy-agent-api","exp":1700000600})") ==
          "malformed token");  // no iat
}

TEST_CASE("a token lives at most TOKEN_MAX_TTL", "[api]") {
    const auto now = at(1700000000);
    const auto max_ttl = seconds{3600};
    auto check = [&](const std::string& token) {
        return verify_token(bearer(token), secret, now, max_ttl);
    };
    CHECK(check(issue_token(secret, "a", seconds{3600}, now)).ok);
    CHECK(check(issue_token(secret, "a", seconds{3601}, now)).problem == "lifetime too long");
    // The default is 30 days.
    CHECK(verify_token(bearer(issue_token(secret, "a", seconds{30 * 86400}, now)), secret, now)
              .ok);
    CHECK(verify_token(bearer(issue_token(secret, "a", seconds{30 * 86400 + 1}, now)), secret,
                       now)
              .problem == "lifetime too long");
    // An old iat does not buy a long life either: exp is held to now + max too.
    auto backdated = hand_token(hs256_header, claims_with(R"("exp":1700090000)", 1700089000),
                                secret);
    CHECK(check(backdated).problem == "lifetime too long");
}

TEST_CASE("a token's sub is escaped in what the log shows", "[api]") {
    const auto now = at(1700000000);
    // A JSON escape: the decoded subject holds a real newline.
    const std::string forged = R"(ada\n2026-01-01T00:00:00.000Z INFO  forged line)";
    auto expired = hand_token(
        hs256_header,
        claims_with(R"("sub":")" + forged + R"(","exp":1700000001)", 1699999999), secret);
    auto check = verify_token(bearer(expired), secret, now + seconds{5});
    CHECK(check.problem == "expired");
    CHECK(check.detail.find('\n') == std::string::npos);
    CHECK(check.detail.find("ada\\x0a2026") != std::string::npos);
    // A valid token hands the subject back as sent; the API escapes it before logging.
    auto valid = hand_token(hs256_header,
                            claims_with(R"("sub":")" + forged + R"(","exp":1700000600)"), secret);
    CHECK(verify_token(bearer(valid), secret, now).subject == "ada\n2026-01-01T00:00:00.000Z INFO  forged line");
}

TEST_CASE("JWT_SECRET rules: 32 bytes at least, not a webhook secret", "[api]") {
    CHECK(jwt_secret_problem(std::string(32, 'a'), {}).empty());
    CHECK(jwt_secret_problem(std::string(31, 'a'), {}).find("31 bytes") != std::string::npos);
    CHECK(jwt_secret_problem("", {}).find("at least 32") != std::string::npos);
    const std::string shared(48, 's');
    const auto problem =
        jwt_secret_problem(shared, {{"WEBHOOK_SECRET", "other"}, {"WEB_SECRET", shared}});
    CHECK(problem.find("same as WEB_SECRET") != std::string::npos);
    CHECK(problem.find(shared) == std::string::npos);
    CHECK(jwt_secret_problem(shared, {{"WEBHOOK_SECRET", shared + "x"}}).empty());
}

}  // namespace bearer_token_test
