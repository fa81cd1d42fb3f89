#include "deploy/container_host_spec.hpp"

#include <set>
#include <string>

#include "deploy/container_spec.hpp"

namespace agent::spec_detail {

namespace {

// Inspect shows links as "/db:/web/db"; create takes "db:alias".
std::string link_for_create(std::string_view link) {
    auto colon = link.find(':');
    std::string_view target = link.substr(0, colon);
    std::string_view alias = colon == std::string_view::npos ? target : link.substr(colon + 1);
    if (target.starts_with('/')) {
        target.remove_prefix(1);
    }
    if (auto slash = alias.rfind('/'); slash != std::string_view::npos) {
        alias.remove_prefix(slash + 1);
    }
    return std::string(target) + ":" + std::string(alias);
}

// "src:dst[:opts]" → dst.
std::string bind_destination(std::string_view bind) {
    auto first = bind.find(':');
    if (first == std::string_view::npos) {
        return std::string(bind);
    }
    std::string_view rest = bind.substr(first + 1);
    return std::string(rest.substr(0, rest.find(':')));
}

std::set<std::string> named_destinations(const Value& host) {
    std::set<std::string> out;
    if (const Value* binds = member(host, "Binds"); binds != nullptr && binds->IsArray()) {
        for (const auto& b : binds->GetArray()) {
            if (b.IsString()) {
                out.insert(bind_destination(b.GetString()));
            }
        }
    }
    if (const Value* mounts = member(host, "Mounts"); mounts != nullptr && mounts->IsArray()) {
        for (const auto& m : mounts->GetArray()) {
            out.insert(string_of(m, "Target"));
        }
    }
    return out;
}

void rebind_unnamed_volumes(const docker_client::container_info& old, Value& host, allocator& a) {
    auto named = named_destinations(host);
    Value* binds = nullptr;
    for (const auto& m : old.mounts) {
        if (m.type != "volume" || m.name.empty() || named.contains(m.destination)) {
            continue;
        }
        if (binds == nullptr) {
            if (!host.HasMember("Binds") || !host["Binds"].IsArray()) {
                set_member(host, "Binds", Value(rapidjson::kArrayType), a);
            }
            binds = &host["Binds"];
        }
        std::string bind = m.name + ":" + m.destination + (m.read_write ? "" : ":ro");
        binds->PushBack(Value(bind, a), a);
    }
}

}  // namespace

void add_host_config(const docker_client::container_info& old, const Value& container, Value& body,
                     allocator& a) {
    Value host(rapidjson::kObjectType);
    if (const Value* kept = member(container, "HostConfig"); kept != nullptr && kept->IsObject()) {
        host.CopyFrom(*kept, a);
    }
    if (auto links = host.FindMember("Links"); links != host.MemberEnd() && links->value.IsArray()) {
        for (auto& l : links->value.GetArray()) {
            if (l.IsString()) {
                l.SetString(link_for_create(l.GetString()).c_str(), a);
            }
        }
    }
    rebind_unnamed_volumes(old, host, a);
    body.AddMember("HostConfig", host, a);
}

void add_networking(const docker_client::container_info& old, const Value& container, Value& body,
                    allocator& a) {
    const std::string& mode = old.network_mode;
    if (mode == "host" || mode == "none" || mode.starts_with("container:")) {
        return;
    }
    const Value* settings = member(container, "NetworkSettings");
    const Value* networks = settings != nullptr ? member(*settings, "Networks") : nullptr;
    if (networks == nullptr || !networks->IsObject() || networks->ObjectEmpty()) {
        return;
    }
    const std::string& id = old.id;
    Value endpoints(rapidjson::kObjectType);
    for (const auto& n : networks->GetObject()) {
        Value endpoint(rapidjson::kObjectType);
        for (const char* key : {"IPAMConfig", "Links", "DriverOpts"}) {
            if (const Value* v = member(n.value, key)) {
                endpoint.AddMember(Value(key, a), Value(*v, a), a);
            }
        }
        if (const Value* aliases = member(n.value, "Aliases"); aliases != nullptr &&
                                                                aliases->IsArray()) {
            // The engine adds the short id as an alias on user networks; it names the old one.
            Value kept(rapidjson::kArrayType);
            for (const auto& alias : aliases->GetArray()) {
                if (alias.IsString() && !(alias.GetStringLength() >= 12 &&
                                          id.starts_with(alias.GetString()))) {
                    kept.PushBack(Value(alias, a), a);
                }
            }
            if (!kept.Empty()) {
                endpoint.AddMember("Aliases", kept, a);
            }
        }
        endpoints.AddMember(Value(n.name, a), endpoint, a);
    }
    Value networking(rapidjson::kObjectType);
    networking.AddMember("EndpointsConfig", endpoints, a);
    body.AddMember("NetworkingConfig", networking, a);
}

}  // namespace agent::spec_detail

namespace agent {

std::optional<std::string> network_mode_target(const docker_client::container_info& old) {
    const std::string& mode = old.network_mode;
    for (std::string_view prefix : {"container:", "service:"}) {
        if (mode.starts_with(prefix)) {
            return mode.substr(prefix.size());
        }
    }
    return std::nullopt;
}

}  // namespace agent
