#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agent {

/// A webhook delivery as intake reads it: the header fields as received (names in any case) and
/// the raw body, viewed, not owned; whoever received it keeps both alive during the call.
struct delivery_view {
    const std::vector<std::pair<std::string, std::string>>& headers;
    std::string_view body;

    /// The value of the first header named `name` (ASCII case-insensitive), or nullptr.
    const std::string* header(std::string_view name) const;
    /// The header names, comma-separated, for a diagnosis: at most 40, each cut to 64 bytes and
    /// escaped; "(none)" when there are none.
    std::string header_names() const;
};

}  // namespace agent
