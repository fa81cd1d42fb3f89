// The pure parts of the build step: the bounds on build output and registry hosts.
#include <catch2/catch.hpp>

#include "deploy/build_step.hpp"

namespace build_step_test {

TEST_CASE("build output: long lines are cut and a flood ends in one summary line") {
    std::vector<std::string> got;
    agent::bounded_build_log log([&got](std::string_view l) { got.emplace_back(l); },
                                 agent::build_log_limits{10, 3});
    log.line("short");
    log.line(std::string(50, 'x'));
    log.line("third");
    log.line("fourth");
    log.line("fifth");
    log.finish();
    REQUIRE(got.size() == 4);
    CHECK(got[0] == "short");
    CHECK(got[1] == std::string(10, 'x') + "…");
    CHECK(got[2] == "third");
    CHECK(got[3] == "… 2 more build output lines not recorded");
}

TEST_CASE("build output within its bounds is passed on unchanged") {
    std::vector<std::string> got;
    agent::bounded_build_log log([&got](std::string_view l) { got.emplace_back(l); }, {});
    log.line("Step 1/3 : FROM base");
    log.finish();
    CHECK(got == std::vector<std::string>{"Step 1/3 : FROM base"});
}

}  // namespace build_step_test
