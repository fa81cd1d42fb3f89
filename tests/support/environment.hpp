#pragma once

#include <map>
#include <string>
#include <utility>

#include "common/environment.hpp"

namespace test {

/// An agent environment holding just `variables`: what a test hands the code under test where
/// it would otherwise call setenv (`test::env_of({{"PORT", "9000"}})`).
inline agent::environment env_of(std::map<std::string, std::string, std::less<>> variables) {
    return agent::environment(std::move(variables));
}

}  // namespace test
