#include <boost/asio/use_awaitable.hpp>

#include "docker_client/error.hpp"
#include "encoding.hpp"
#include "engine_client.hpp"
#include "json_util.hpp"

namespace docker_client::detail {

namespace {

namespace rj = rapidjson;

rj::Value& object_at(rj::Value& parent, const char* key, rj::Document::AllocatorType& alloc) {
    auto it = parent.FindMember(key);
    if (it == parent.MemberEnd()) {
        parent.AddMember(rj::Value(key, alloc), rj::Value(rj::kObjectType), alloc);
        it = parent.FindMember(key);
    } else if (!it->value.IsObject()) {
        it->value.SetObject();
    }
    return it->value;
}

}  // namespace

net::awaitable<std::optional<service_info>> engine_client::inspect_service(std::string name_or_id) {
    check_object_name(name_or_id, "service");
    http_call call{"GET", "/services/" + percent_encode(name_or_id), {}, {}, {}};
    http_reply reply = co_await checked(std::move(call), options_.call_timeout, 404,
                                        "inspect service " + name_or_id);
    if (reply.status == 404) {
        co_return std::nullopt;
    }
    auto doc = parse_json(reply.body, "service inspect");
    service_info info;
    info.id = string_member(doc, "ID");
    if (const auto* version = object_member(doc, "Version")) {
        info.version = uint64_member(*version, "Index", 0);
    }
    if (const auto* spec = object_member(doc, "Spec")) {
        info.name = string_member(*spec, "Name");
        info.labels = string_map_member(*spec, "Labels");
        if (const auto* task = object_member(*spec, "TaskTemplate")) {
            info.force_update = uint64_member(*task, "ForceUpdate", 0);
            if (const auto* container = object_member(*task, "ContainerSpec")) {
                info.image = string_member(*container, "Image");
            }
        }
        info.spec_json = to_json(*spec);
    }
    if (const auto* status = object_member(doc, "UpdateStatus")) {
        info.update_status.state = string_member(*status, "State");
        info.update_status.message = string_member(*status, "Message");
        info.update_status.started_at = string_member(*status, "StartedAt");
        info.update_status.completed_at = string_member(*status, "CompletedAt");
    }
    co_return info;
}

net::awaitable<swarm_status> engine_client::swarm_info() {
    http_call call{"GET", "/info", {}, {}, {}};
    http_reply reply = co_await checked(std::move(call), options_.call_timeout, 0, "engine info");
    auto doc = parse_json(reply.body, "engine info");
    swarm_status status;
    if (const auto* swarm = object_member(doc, "Swarm")) {
        status.local_node_state = string_member(*swarm, "LocalNodeState");
        status.node_id = string_member(*swarm, "NodeID");
        status.error = string_member(*swarm, "Error");
        auto control = swarm->FindMember("ControlAvailable");
        status.control_available = control != swarm->MemberEnd() && control->value.IsBool() &&
                                   control->value.GetBool();
    }
    co_return status;
}

net::awaitable<std::vector<std::string>> engine_client::update_service(service_update update) {
    check_object_name(update.service, "service");
    rj::Document spec = parse_json(update.spec_json, "the service spec");
    if (!spec.IsObject()) {
        throw error(0, "", "update service " + update.service + ": the spec must be a JSON object");
    }
    std::string image = update.image;
    if (!image.empty() && image.find('@') == std::string::npos) {
        // Every node must run the same bytes: pin the tag to the digest the registry has now.
        distribution_info remote = co_await distribution_inspect(image, update.auth);
        image += "@" + remote.digest;
    }
    auto& alloc = spec.GetAllocator();
    rj::Value& task = object_at(spec, "TaskTemplate", alloc);
    rj::Value& container = object_at(task, "ContainerSpec", alloc);
    if (!image.empty()) {
        check_image_ref(image);
        container.RemoveMember("Image");
        container.AddMember("Image", rj::Value(image, alloc), alloc);
    }
    if (update.force) {
        std::uint64_t counter = uint64_member(task, "ForceUpdate", 0) + 1;
        task.RemoveMember("ForceUpdate");
        task.AddMember("ForceUpdate", rj::Value(counter), alloc);
    }
    http_call call{"POST",
                   "/services/" + percent_encode(update.service) +
                       "/update?version=" + std::to_string(update.version),
                   to_json(spec),
                   "application/json",
                   {}};
    if (update.auth) {
        call.headers.emplace_back("X-Registry-Auth", registry_auth_header(*update.auth));
    }
    http_reply reply = co_await checked(std::move(call), options_.call_timeout, 0,
                                        "update service " + update.service);
    auto doc = parse_json(reply.body, "service update");
    co_return string_array_member(doc, "Warnings");
}

}  // namespace docker_client::detail
