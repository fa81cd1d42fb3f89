#include "engine/app_identity.hpp"

#include <algorithm>
#include <stdexcept>

namespace agent {

boost::asio::awaitable<std::optional<docker_client::container_info>> find_container_exactly(
    docker_client::container_api& docker, std::string name) {
    auto found = co_await docker.inspect_container(name);
    // The engine answers a name it does not know with a container whose id starts with it.
    if (found && found->name != name) {
        co_return std::nullopt;
    }
    co_return found;
}

namespace {

// "nginx" → "nginx:latest"; "docker.io/library/nginx:1" → "nginx:1".
std::string normalized(std::string reference) {
    for (std::string_view prefix : {"docker.io/library/", "docker.io/", "index.docker.io/"}) {
        if (reference.starts_with(prefix)) {
            reference.erase(0, prefix.size());
            break;
        }
    }
    if (reference.find('@') != std::string::npos) {
        return reference;
    }
    auto slash = reference.rfind('/');
    auto colon = reference.rfind(':');
    if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) {
        reference += ":latest";
    }
    return reference;
}

}  // namespace

bool image_has_reference(const docker_client::image_info& image, const std::string& reference) {
    std::string wanted = normalized(reference);
    auto same = [&](const std::string& r) { return normalized(r) == wanted; };
    return std::any_of(image.repo_tags.begin(), image.repo_tags.end(), same) ||
           std::any_of(image.repo_digests.begin(), image.repo_digests.end(), same);
}

std::map<std::string, std::string> agent_labels(const app_spec& app, std::int64_t deployment_id) {
    return {{"io.deploy-agent.app", app.name},
            {"io.deploy-agent.deployment", std::to_string(deployment_id)}};
}

std::string registry_host(const std::string& reference) {
    auto slash = reference.find('/');
    if (slash == std::string::npos) {
        return "docker.io";
    }
    std::string first = reference.substr(0, slash);
    // Docker's rule: the first component is a registry when it looks like a host.
    if (first.find_first_of(".:") != std::string::npos || first == "localhost") {
        return first;
    }
    return "docker.io";
}

std::optional<docker_client::registry_auth> registry_credentials(const app_spec& app,
                                                                 const environment& env) {
    if (!app.registry_auth) {
        return std::nullopt;
    }
    auto read = [&](const std::string& name) {
        const char* value = env.get(name);
        if (value == nullptr || *value == '\0') {
            throw std::runtime_error("app " + app.name + ": registry_auth names the variable " +
                                     name + ", which is not set or empty");
        }
        return std::string(value);
    };
    return docker_client::registry_auth{read(app.registry_auth->username_env),
                                        read(app.registry_auth->password_env),
                                        registry_host(app.image)};
}

}  // namespace agent
