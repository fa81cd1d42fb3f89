// The environment snapshot the stages read their settings from.
#include <catch2/catch.hpp>

#include "cli/process_environment.hpp"
#include "common/environment.hpp"
#include "support/environment.hpp"

namespace environment_test {

using namespace agent;

TEST_CASE("environment: set, set empty and unset are told apart", "[common]") {
    const environment env = test::env_of({{"A", "1"}, {"EMPTY", ""}});
    REQUIRE(env.get("A") != nullptr);
    CHECK(std::string(env.get("A")) == "1");
    REQUIRE(env.get("EMPTY") != nullptr);
    CHECK(std::string(env.get("EMPTY")).empty());
    CHECK(env.get("UNSET") == nullptr);
    CHECK(environment().get("A") == nullptr);
    CHECK(env.entries() == std::vector<std::string>{"A=1", "EMPTY="});
    const environment copy = env;  // copies share the variables
    CHECK(copy.get("A") == env.get("A"));
}

TEST_CASE("environment: the process's is read once, whole", "[common]") {
    const environment env = read_process_environment();
    // PATH is set for every test run (ctest, the CI, a shell).
    REQUIRE(env.get("PATH") != nullptr);
    CHECK_FALSE(std::string(env.get("PATH")).empty());
}

}  // namespace environment_test
