#include <catch2/catch.hpp>

#include "cli/deploy_command.hpp"

namespace deploy_exit_code_test {

TEST_CASE("deploy --wait exits non-zero unless the deployment succeeded") {
    CHECK(agent::deploy_exit_code(agent::deploy_result::succeeded) == 0);
    CHECK(agent::deploy_exit_code(agent::deploy_result::failed) == 1);
    CHECK(agent::deploy_exit_code(agent::deploy_result::rolled_back) == 4);
    CHECK(agent::deploy_exit_code(agent::deploy_result::superseded) == 5);
}

}  // namespace deploy_exit_code_test
