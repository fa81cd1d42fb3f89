#include <catch2/catch.hpp>

#include "secrets/injection.hpp"

namespace injection_test {

using agent::inject_secrets;
using agent::injection_input;

namespace {
const std::string key = "0123456789abcdef0123456789abcdef";
}

TEST_CASE("secrets are merged over the user's own values, the rest of Env is kept", "[secrets]") {
    injection_input in;
    in.env = {"PATH=/bin", "DATABASE_URL=user-default", "MODE=prod"};
    in.secrets = {{"DATABASE_URL", "postgres://s3cret"}, {"API_KEY", "k1"}};
    auto out = inject_secrets(in, key);
    CHECK(out.env == std::vector<std::string>{"PATH=/bin", "MODE=prod", "API_KEY=k1",
                                              "DATABASE_URL=postgres://s3cret"});
    CHECK(out.injected_keys == std::vector<std::string>{"API_KEY", "DATABASE_URL"});
    CHECK(out.labels.at(agent::secret_keys_label) == "API_KEY,DATABASE_URL");
    CHECK(out.labels.at(agent::secrets_hash_label) == out.hash);
    CHECK(out.hash.starts_with("hmac-sha256:"));
    for (const auto& [name, value] : out.labels) {
        CHECK(value.find("s3cret") == std::string::npos);
        CHECK(value.find("k1") == std::string::npos);
    }
    CHECK(out.missing.empty());
}

TEST_CASE("keys a previous deploy injected and that are gone are removed", "[secrets]") {
    injection_input in;
    in.env = {"PATH=/bin", "OLD_TOKEN=stale", "API_KEY=k0"};
    in.previous_keys = "API_KEY,OLD_TOKEN";
    in.secrets = {{"API_KEY", "k1"}};
    auto out = inject_secrets(in, key);
    CHECK(out.env == std::vector<std::string>{"PATH=/bin", "API_KEY=k1"});
    CHECK(out.labels.at(agent::secret_keys_label) == "API_KEY");
}

TEST_CASE("a keys subset injects only those keys and reports the missing ones", "[secrets]") {
    injection_input in;
    in.env = {"PATH=/bin"};
    in.secrets = {{"A", "1"}, {"B", "2"}, {"C", "3"}};
    in.keys = {"A", "C", "D"};
    auto out = inject_secrets(in, key);
    CHECK(out.env == std::vector<std::string>{"PATH=/bin", "A=1", "C=3"});
    CHECK(out.missing == std::vector<std::string>{"D"});
}

TEST_CASE("names that cannot be environment variables are left out", "[secrets]") {
    injection_input in;
    in.secrets = {{"GOOD", "1"}, {"BAD=NAME", "2"}, {"A,B", "3"}};
    auto out = inject_secrets(in, key);
    CHECK(out.injected_keys == std::vector<std::string>{"GOOD"});
    CHECK(out.unusable.size() == 2);
}

TEST_CASE("the hash changes with any value and depends on the key, not on Env", "[secrets]") {
    injection_input a;
    a.secrets = {{"A", "1"}, {"B", "2"}};
    injection_input b = a;
    b.env = {"UNRELATED=x"};
    CHECK(inject_secrets(a, key).hash == inject_secrets(b, key).hash);
    b.secrets["B"] = "3";
    CHECK(inject_secrets(a, key).hash != inject_secrets(b, key).hash);
    CHECK(inject_secrets(a, key).hash != inject_secrets(a, "another key").hash);
    // Length prefixes: moving a character from a value to the next key is a change.
    injection_input c;
    c.secrets = {{"A", "1B"}, {"C", ""}};
    injection_input d;
    d.secrets = {{"A", "1"}, {"BC", ""}};
    CHECK(inject_secrets(c, key).hash != inject_secrets(d, key).hash);
}

TEST_CASE("split_key_label reads the names back", "[secrets]") {
    CHECK(agent::split_key_label("") .empty());
    CHECK(agent::split_key_label("A,,B") == std::vector<std::string>{"A", "B"});
}

}  // namespace injection_test
