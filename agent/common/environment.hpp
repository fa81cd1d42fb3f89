#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

/// The process environment as it was when the program started: read once where the program is
/// assembled (cli/process_environment.hpp), then handed to the functions that turn it into each
/// stage's settings and to child processes (git, ssh). Tests build one from a map. Copies share
/// the same variables.
class environment {
public:
    /// No variable set.
    environment();
    explicit environment(std::map<std::string, std::string, std::less<>> variables);

    /// The value of `name` as the C library would give it: nullptr when unset, "" when set empty.
    /// The pointer stays valid as long as a copy of this environment does.
    const char* get(std::string_view name) const;

    /// "NAME=value" for each variable, for a child's environment (execve's envp).
    std::vector<std::string> entries() const;

    const std::map<std::string, std::string, std::less<>>& variables() const { return *vars_; }

private:
    std::shared_ptr<const std::map<std::string, std::string, std::less<>>> vars_;
};

}  // namespace agent
