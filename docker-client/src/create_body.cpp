#include "create_body.hpp"

#include "docker_client/error.hpp"
#include "encoding.hpp"
#include "json_util.hpp"

namespace docker_client::detail {

namespace {

namespace rj = rapidjson;

[[noreturn]] void refuse(const std::string& field, const char* needs, const std::string& have) {
    throw error(0, "",
                "container create: " + field + " needs Docker Engine API " + needs +
                    " or newer, but the engine speaks " + have +
                    "; remove the setting or upgrade the engine");
}

bool below(const std::string& have, const char* needs) {
    return compare_api_versions(have, needs) < 0;
}

bool has_nonempty(const rj::Value& object, const char* key) {
    if (!object.IsObject()) {
        return false;
    }
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() || it->value.IsNull()) {
        return false;
    }
    const auto& v = it->value;
    return !((v.IsString() && v.GetStringLength() == 0) || (v.IsNumber() && v.GetDouble() == 0.0) ||
             (v.IsObject() && v.MemberCount() == 0) || (v.IsArray() && v.Empty()) ||
             (v.IsBool() && !v.GetBool()));
}

rj::Value* mutable_object(rj::Value& object, const char* key) {
    if (!object.IsObject()) {
        return nullptr;
    }
    auto it = object.FindMember(key);
    return it != object.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

// Fields older engines would silently ignore: refuse them rather than create something else.
void refuse_unsupported(const rj::Value& body, const std::string& api_version) {
    if (const auto* health = object_member(body, "Healthcheck");
        health != nullptr && below(api_version, "1.44") && has_nonempty(*health, "StartInterval")) {
        refuse("Healthcheck.StartInterval", "1.44", api_version);
    }
    const auto* host_config = object_member(body, "HostConfig");
    if (host_config != nullptr && below(api_version, "1.43") &&
        has_nonempty(*host_config, "Annotations")) {
        refuse("HostConfig.Annotations", "1.43", api_version);
    }
    const auto* networking = object_member(body, "NetworkingConfig");
    const auto* endpoints =
        networking != nullptr ? object_member(*networking, "EndpointsConfig") : nullptr;
    if (endpoints != nullptr && below(api_version, "1.48")) {
        for (const auto& e : endpoints->GetObject()) {
            if (has_nonempty(e.value, "GwPriority")) {
                refuse("EndpointsConfig." + std::string(e.name.GetString()) + ".GwPriority", "1.48",
                       api_version);
            }
        }
    }
}

}  // namespace

adapted_create adapt_create_body(const rj::Value& body, const std::string& api_version) {
    if (!body.IsObject()) {
        throw error(0, "", "container create: the body is not a JSON object");
    }
    refuse_unsupported(body, api_version);
    if (!below(api_version, "1.44")) {
        return {to_json(body), {}};
    }
    // Older engines want another shape: the request stays as the caller built it, its copy
    // is changed.
    rj::Document doc;
    doc.CopyFrom(body, doc.GetAllocator());
    auto& alloc = doc.GetAllocator();
    rj::Value* host_config = mutable_object(doc, "HostConfig");

    adapted_create out;
    rj::Value* networking = mutable_object(doc, "NetworkingConfig");
    rj::Value* endpoints =
        networking != nullptr ? mutable_object(*networking, "EndpointsConfig") : nullptr;
    if (endpoints != nullptr && endpoints->MemberCount() > 1) {
        // The daemon takes the primary network from HostConfig.NetworkMode; keep that one in the
        // create and connect the others afterwards, as the docker CLI did before API 1.44.
        std::string mode = host_config != nullptr ? string_member(*host_config, "NetworkMode") : "";
        std::string primary;
        for (auto& e : endpoints->GetObject()) {
            if (mode == e.name.GetString()) {
                primary = mode;
            }
        }
        if (primary.empty()) {
            primary = endpoints->MemberBegin()->name.GetString();
            if (host_config == nullptr) {
                doc.AddMember("HostConfig", rj::Value(rj::kObjectType), alloc);
                host_config = mutable_object(doc, "HostConfig");
            }
            if (mode.empty() || mode == "default") {
                host_config->RemoveMember("NetworkMode");
                host_config->AddMember("NetworkMode", rj::Value(primary, alloc), alloc);
            }
        }
        for (auto it = endpoints->MemberBegin(); it != endpoints->MemberEnd();) {
            std::string network(it->name.GetString(), it->name.GetStringLength());
            if (network == primary) {
                ++it;
                continue;
            }
            if (has_nonempty(it->value, "MacAddress")) {
                refuse("EndpointsConfig." + network + ".MacAddress", "1.44", api_version);
            }
            out.connect_after.emplace_back(network, to_json(it->value));
            it = endpoints->EraseMember(it);
        }
    }
    if (endpoints != nullptr) {
        // Before 1.44 the MAC address of the primary endpoint was a Config field.
        for (auto& e : endpoints->GetObject()) {
            if (has_nonempty(e.value, "MacAddress")) {
                std::string mac = string_member(e.value, "MacAddress");
                if (!has_nonempty(doc, "MacAddress")) {
                    doc.RemoveMember("MacAddress");
                    doc.AddMember("MacAddress", rj::Value(mac, alloc), alloc);
                }
                e.value.RemoveMember("MacAddress");
            }
        }
    }
    out.body = to_json(doc);
    return out;
}

}  // namespace docker_client::detail
