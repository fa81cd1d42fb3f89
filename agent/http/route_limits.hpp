#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace agent {

/// What the server decides for a route from a request's head alone, before the body is read:
/// how long the body may be, and which source networks may send it. Given with each route where
/// the program is assembled (route_table::add), so the transport names no endpoint.
struct route_limits {
    /// The longest body the route takes (413 beyond it, from Content-Length or as it arrives);
    /// nullopt: the server's `body_limit`.
    std::optional<std::size_t> body_limit;
    /// The source allow-lists the route falls under, by name (server_options::access_lists),
    /// most specific first: the first one that is configured decides (403 for a source outside
    /// it); none configured, or none named: any source may call.
    std::vector<std::string> access;
};

}  // namespace agent
