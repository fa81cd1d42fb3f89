#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "docker_client/client.hpp"

namespace docker_client {

namespace {

// The resources whose second segment is an object's name or id, with what the documented list
// calls it, and the names under them that are endpoints of their own rather than objects.
struct resource_names {
    std::string_view resource;
    std::string_view placeholder;
    std::array<std::string_view, 3> fixed;
};

constexpr std::array<resource_names, 6> named_resources{{
    {"containers", "{id}", {"json", "create", "prune"}},
    {"images", "{name}", {"json", "create", "prune"}},
    {"networks", "{id}", {"create", "prune", ""}},
    {"services", "{id}", {"create", "", ""}},
    {"distribution", "{name}", {"", "", ""}},
    {"volumes", "{name}", {"create", "prune", ""}},
}};

}  // namespace

std::string endpoint_template(std::string_view target) {
    target = target.substr(0, target.find('?'));
    // "/v1.47/containers/…" -> "/containers/…"; "/_ping" has no version.
    if (target.starts_with("/v") && target.size() > 2 && target[2] >= '0' && target[2] <= '9') {
        auto slash = target.find('/', 1);
        target = slash == std::string_view::npos ? std::string_view{} : target.substr(slash);
    }
    // Names and ids are percent-encoded (a '/' in an image name is %2F): one segment each.
    std::string_view rest = target.substr(target.empty() ? 0 : 1);
    auto first_end = rest.find('/');
    std::string_view resource = rest.substr(0, first_end);
    if (first_end == std::string_view::npos) {
        return std::string(target);
    }
    std::string_view object = rest.substr(first_end + 1);
    std::string_view tail;
    if (auto end = object.find('/'); end != std::string_view::npos) {
        tail = object.substr(end);
        object = object.substr(0, end);
    }
    for (const auto& named : named_resources) {
        if (named.resource != resource) {
            continue;
        }
        for (std::string_view fixed : named.fixed) {
            if (!fixed.empty() && object == fixed) {
                return std::string(target);
            }
        }
        std::string out = "/";
        out.append(resource).append("/").append(named.placeholder).append(tail);
        return out;
    }
    return std::string(target);
}

}  // namespace docker_client
