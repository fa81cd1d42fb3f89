#pragma once

#include <compare>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace agent {

/// Where secrets live in Infisical: a project, an environment slug and a folder path.
struct secret_scope {
    std::string project;
    std::string environment;
    std::string path = "/";

    auto operator<=>(const secret_scope&) const = default;

    /// "<project>-<environment>-<path>", the replaced service's name for a cache entry.
    std::string describe() const { return project + "-" + environment + "-" + path; }
};

/// The secrets read at one scope. Values never go to logs, labels, the store or messages.
struct secret_listing {
    std::map<std::string, std::string> values;  ///< key → value, imports merged under own keys
    /// Keys Infisical listed with `secretValueHidden: true`: the identity may see the name but
    /// not the value, so the key cannot be injected.
    std::vector<std::string> hidden;
};

/// A failure to read secrets. `what()` names the scope, the endpoint and the reason, never a
/// value or a token.
class secrets_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace agent
