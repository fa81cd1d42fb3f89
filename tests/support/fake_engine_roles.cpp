#include "support/fake_engine_roles.hpp"

#include <algorithm>

#include "docker_client/error.hpp"
#include "docker_client/inspect.hpp"

namespace test {

namespace dc = docker_client;

std::string fake_containers::add_running(const std::string& name, const std::string& image_id) {
    std::string id = "0ld" + std::to_string(by_id.size()) + "aaaaaaaaaaaaaaaa";
    by_id[id] = container{id, name, image_id, true, std::nullopt, 0, nullptr};
    return id;
}

const fake_containers::container* fake_containers::named(const std::string& name) const {
    for (const auto& [id, c] : by_id) {
        if (c.name == name) {
            return &c;
        }
    }
    return nullptr;
}

void fake_containers::maybe_fail(const std::string& call) {
    auto it = std::find(fail_.begin(), fail_.end(), call);
    if (it != fail_.end()) {
        fail_.erase(it);
        throw dc::error(500, "injected fault", call + " (fault injected by the test)");
    }
}

fake_containers::container& fake_containers::find(const std::string& id_or_name,
                                                  const std::string& call) {
    if (auto it = by_id.find(id_or_name); it != by_id.end()) {
        return it->second;
    }
    for (auto& [id, c] : by_id) {
        if (c.name == id_or_name) {
            return c;
        }
    }
    throw dc::error(404, "No such container: " + id_or_name, call);
}

net::awaitable<std::optional<dc::container_info>> fake_containers::inspect_container(
    std::string name_or_id) {
    ++inspections;
    maybe_fail("inspect");
    const container* c = nullptr;
    if (auto it = by_id.find(name_or_id); it != by_id.end()) {
        c = &it->second;
    } else {
        c = named(name_or_id);
    }
    if (c == nullptr) {
        co_return std::nullopt;
    }
    // The least of a real answer that the spec builder needs, read as the client reads one.
    dc::container_info info = dc::container_info_from_json(
        R"({"Id":")" + c->id + R"(","Name":"/)" + c->name + R"(","Image":")" + c->image_id +
        R"(","Config":{"Image":"web:latest"},"HostConfig":{"NetworkMode":"default"}})");
    info.state.status = c->running ? "running" : "exited";
    info.state.running = c->running;
    info.state.exit_code = c->exit_code;
    info.state.started_at = "2026-01-01T00:00:00Z";
    info.state.health = c->health;
    co_return info;
}

net::awaitable<std::string> fake_containers::create_container(
    std::string name, dc::container_create_request request) {
    calls.push_back("create " + name);
    maybe_fail("create");
    if (named(name) != nullptr) {
        throw dc::error(409, "Conflict. The container name \"/" + name + "\" is already in use",
                        "create container " + name);
    }
    std::string id = "n3w" + std::to_string(++created_) + "bbbbbbbbbbbbbbbb";
    by_id[id] = container{id, name, "", false, std::nullopt, 0, std::move(request.body)};
    co_return id;
}

net::awaitable<void> fake_containers::start_container(std::string id) {
    calls.push_back("start " + id);
    maybe_fail("start");
    container& c = find(id, "start container");
    if (c.create_body == nullptr || created_behaviour == behaviour::runs) {
        c.running = true;
    } else if (created_behaviour == behaviour::exits) {
        c.running = false;
        c.exit_code = 1;
    } else {
        c.running = true;
        c.health = "unhealthy";
    }
    co_return;
}

net::awaitable<void> fake_containers::stop_container(std::string id, dc::stop_options) {
    calls.push_back("stop " + id);
    maybe_fail("stop");
    find(id, "stop container").running = false;
    co_return;
}

net::awaitable<void> fake_containers::restart_container(std::string id, dc::stop_options) {
    calls.push_back("restart " + id);
    maybe_fail("restart");
    find(id, "restart container").running = true;
    co_return;
}

net::awaitable<void> fake_containers::rename_container(std::string id, std::string new_name) {
    calls.push_back("rename " + id + " " + new_name);
    maybe_fail("rename");
    if (named(new_name) != nullptr) {
        throw dc::error(409, "the name " + new_name + " is already in use", "rename container");
    }
    find(id, "rename container").name = std::move(new_name);
    co_return;
}

net::awaitable<void> fake_containers::remove_container(std::string id, dc::remove_options) {
    calls.push_back("remove " + id);
    maybe_fail("remove");
    by_id.erase(find(id, "remove container").id);
    co_return;
}

net::awaitable<std::vector<dc::container_summary>> fake_containers::list_containers(
    dc::container_list_options) {
    std::vector<dc::container_summary> all;
    for (const auto& [id, c] : by_id) {
        all.push_back(dc::container_summary{
            id, {c.name}, "web:latest", c.image_id, c.running ? "running" : "exited", "", {}, 0});
    }
    co_return all;
}

net::awaitable<void> fake_containers::kill_container(std::string id, std::string) {
    calls.push_back("kill " + id);
    find(id, "kill container").running = false;
    co_return;
}

net::awaitable<dc::wait_result> fake_containers::wait_container(std::string id, dc::wait_options) {
    co_return dc::wait_result{find(id, "wait container").exit_code, ""};
}

net::awaitable<dc::container_logs> fake_containers::logs(std::string id, dc::log_options) {
    find(id, "logs");
    co_return dc::container_logs{};
}

net::awaitable<std::optional<dc::image_info>> fake_images::inspect_image(std::string reference) {
    auto it = by_reference.find(reference);
    if (it == by_reference.end()) {
        co_return std::nullopt;
    }
    co_return it->second;
}

net::awaitable<void> fake_images::pull_image(std::string reference,
                                             std::optional<dc::registry_auth>,
                                             dc::progress_callback) {
    calls.push_back("pull " + reference);
    if (auto it = pulled_as.find(reference); it != pulled_as.end()) {
        by_reference[reference] = it->second;
        by_reference[it->second.id] = it->second;
    }
    co_return;
}

net::awaitable<void> fake_images::tag_image(std::string source, std::string repository,
                                            std::string tag) {
    calls.push_back("tag " + source + " " + repository + ":" + tag);
    co_return;
}

net::awaitable<bool> fake_images::remove_image(std::string reference, dc::image_remove_options) {
    calls.push_back("remove " + reference);
    co_return by_reference.erase(reference) > 0;
}

net::awaitable<dc::prune_result> fake_images::prune_dangling_images(std::vector<std::string>) {
    calls.push_back("prune");
    co_return dc::prune_result{};
}

net::awaitable<dc::distribution_info> fake_images::distribution_inspect(
    std::string reference, std::optional<dc::registry_auth>) {
    auto it = by_reference.find(reference);
    if (it == by_reference.end()) {
        throw dc::error(404, "manifest unknown", "distribution " + reference);
    }
    co_return dc::distribution_info{it->second.id, "application/vnd.oci.image.index.v1+json", 0};
}

net::awaitable<dc::build_result> fake_images::build_image(dc::build_options options,
                                                          dc::build_log_callback on_log) {
    calls.push_back("build " + options.context_dir);
    dc::image_info built;
    built.id = "sha256:b1lt" + std::to_string(calls.size());
    built.repo_tags = options.tags;
    for (const auto& tag : options.tags) {
        by_reference[tag] = built;
    }
    by_reference[built.id] = built;
    if (on_log) {
        on_log("Successfully built " + built.id);
    }
    co_return dc::build_result{built.id, {}};
}

}  // namespace test
