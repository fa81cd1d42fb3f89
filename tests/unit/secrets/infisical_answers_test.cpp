#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "common/url.hpp"
#include "secrets/hash_key.hpp"
#include "secrets/infisical_answers.hpp"
#include "secrets/infisical_settings.hpp"
#include "secrets/secret_url.hpp"
#include "support/fixtures.hpp"

namespace infisical_answers_test {

using namespace agent;

TEST_CASE("a listing merges imports under the folder's own keys", "[secrets]") {
    const auto listing = parse_secret_listing(R"({
        "secrets":[{"secretKey":"DB","secretValue":"own","secretValueHidden":false},
                   {"secretKey":"HIDDEN","secretValue":"<hidden-by-infisical>","secretValueHidden":true}],
        "imports":[{"secretPath":"/shared","environment":"prod","secrets":[
                       {"secretKey":"DB","secretValue":"imported"},
                       {"secretKey":"REDIS","secretValue":"first"}]},
                   {"secretPath":"/other","environment":"prod","secrets":[
                       {"secretKey":"REDIS","secretValue":"second"},
                       {"secretKey":"HIDDEN","secretValue":"not-used"}]}]})");
    CHECK(listing.values.at("DB") == "own");
    CHECK(listing.values.at("REDIS") == "first");
    CHECK_FALSE(listing.values.contains("HIDDEN"));
    CHECK(listing.hidden == std::vector<std::string>{"HIDDEN"});
}

TEST_CASE("malformed listings are refused without repeating values", "[secrets]") {
    CHECK_THROWS_AS(parse_secret_listing("not json"), secrets_error);
    CHECK_THROWS_AS(parse_secret_listing(R"({"secret":[]})"), secrets_error);
    CHECK_THROWS_AS(parse_secret_listing(R"({"secrets":[{"secretValue":"v"}]})"), secrets_error);
    CHECK_THROWS_WITH(parse_secret_listing(R"({"secrets":[{"secretKey":"K","secretValue":7}]})"),
                      Catch::Contains("K") && !Catch::Contains("7"));
}

TEST_CASE("login answers give the token and its lifetime", "[secrets]") {
    auto t = parse_access_token(R"({"accessToken":"abc","expiresIn":7200,"tokenType":"Bearer"})");
    CHECK(t.token == "abc");
    CHECK(t.expires_in == std::chrono::seconds(7200));
    CHECK_THROWS_AS(parse_access_token(R"({"expiresIn":1})"), secrets_error);
    CHECK(infisical_error_message(R"({"message":"Invalid\ncredentials"})") == "Invalid credentials");
}

TEST_CASE("a service token sends only its access part", "[secrets]") {
    CHECK(service_token_access_part("st.id123.secret456.key789") == "st.id123.secret456");
    CHECK(service_token_access_part("st.id123.secret456") == "st.id123.secret456");
    CHECK(service_token_access_part("eyJhbGci.x.y") == "eyJhbGci.x.y");
}

TEST_CASE("Infisical URLs: https anywhere, http only on loopback", "[secrets]") {
    std::string why;
    auto u = parse_secret_url("https://infisical.example.com/base", &why);
    REQUIRE(u);
    CHECK(u->host == "infisical.example.com");
    CHECK(u->port == "443");
    CHECK(u->base_path == "/base");
    REQUIRE(parse_secret_url("http://127.0.0.1:8080", &why));
    REQUIRE(parse_secret_url("http://[::1]:8080", &why));
    CHECK(parse_secret_url("http://[::1]:8080", &why)->host == "::1");
    CHECK_FALSE(parse_secret_url("http://infisical.example.com", &why));
    CHECK(why.find("loopback") != std::string::npos);
    CHECK_FALSE(parse_secret_url("ftp://x", &why));
    CHECK_FALSE(parse_secret_url("https://user:pw@x", &why));
    CHECK(percent_encode("/a b&c") == "%2Fa%20b%26c");
}

TEST_CASE("the secrets-hash key is created 0600 once and read back", "[secrets]") {
    test::temp_dir dir;
    const std::string first = load_or_create_hash_key(dir.path.string());
    CHECK(first.size() == 32);
    struct stat st {};
    REQUIRE(::stat((dir.path / "secrets-hash.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(load_or_create_hash_key(dir.path.string()) == first);
    {
        std::FILE* f = std::fopen((dir.path / "secrets-hash.key").c_str(), "w");
        std::fputs("short", f);
        std::fclose(f);
    }
    CHECK_THROWS_WITH(load_or_create_hash_key(dir.path.string()), Catch::Contains("32 bytes"));
}

}  // namespace infisical_answers_test
