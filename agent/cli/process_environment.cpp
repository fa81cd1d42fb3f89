#include "cli/process_environment.hpp"

#include <unistd.h>

namespace agent {

environment read_process_environment() {
    std::map<std::string, std::string, std::less<>> variables;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string_view entry(*e);
        auto eq = entry.find('=');
        if (eq == std::string_view::npos) {
            continue;
        }
        // The first definition wins, as getenv finds it.
        variables.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    return environment(std::move(variables));
}

}  // namespace agent
