#include "deploy/container_spec.hpp"

#include <stdexcept>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace agent {

namespace {

using rapidjson::Value;

// Endpoint fields the engine reports in inspect that it refuses or ignores on create.
void keep_endpoint_settings(const Value& from, Value& to, rapidjson::Document::AllocatorType& a) {
    to.SetObject();
    for (const char* key : {"IPAMConfig", "Links", "Aliases", "DriverOpts"}) {
        auto it = from.FindMember(key);
        if (it != from.MemberEnd() && !it->value.IsNull()) {
            to.AddMember(Value(key, a), Value(it->value, a), a);
        }
    }
}

}  // namespace

std::string recreate_body(const docker_client::container_info& old, const std::string& new_image,
                          const std::map<std::string, std::string>& extra_labels,
                          const std::vector<std::string>* env) {
    rapidjson::Document inspect;
    inspect.Parse<rapidjson::kParseIterativeFlag>(old.raw_json.data(), old.raw_json.size());
    if (inspect.HasParseError() || !inspect.IsObject()) {
        throw std::runtime_error("container " + old.name + ": inspect data is not a JSON object");
    }
    rapidjson::Document body;
    auto& a = body.GetAllocator();
    body.SetObject();

    if (auto config = inspect.FindMember("Config");
        config != inspect.MemberEnd() && config->value.IsObject()) {
        for (auto& m : config->value.GetObject()) {
            body.AddMember(Value(m.name, a), Value(m.value, a), a);
        }
    }
    // The engine sets Hostname to the short container id by default; carrying the old id over
    // would make the new container claim the old one's name.
    if (auto h = body.FindMember("Hostname"); h != body.MemberEnd() && h->value.IsString() &&
                                              old.id.starts_with(h->value.GetString())) {
        body.RemoveMember("Hostname");
    }
    if (auto img = body.FindMember("Image"); img != body.MemberEnd()) {
        img->value.SetString(new_image.c_str(), static_cast<rapidjson::SizeType>(new_image.size()), a);
    } else {
        body.AddMember("Image", Value(new_image.c_str(), a), a);
    }
    auto labels = body.FindMember("Labels");
    if (labels == body.MemberEnd() || !labels->value.IsObject()) {
        body.RemoveMember("Labels");
        body.AddMember("Labels", Value(rapidjson::kObjectType), a);
        labels = body.FindMember("Labels");
    }
    for (const auto& [k, v] : extra_labels) {
        labels->value.RemoveMember(k.c_str());
        labels->value.AddMember(Value(k.c_str(), a), Value(v.c_str(), a), a);
    }

    if (env != nullptr) {
        Value list(rapidjson::kArrayType);
        for (const auto& entry : *env) {
            list.PushBack(Value(entry.c_str(), static_cast<rapidjson::SizeType>(entry.size()), a), a);
        }
        body.RemoveMember("Env");
        body.AddMember("Env", list, a);
    }

    if (auto host = inspect.FindMember("HostConfig");
        host != inspect.MemberEnd() && host->value.IsObject()) {
        body.AddMember("HostConfig", Value(host->value, a), a);
    }

    auto settings = inspect.FindMember("NetworkSettings");
    if (settings != inspect.MemberEnd() && settings->value.IsObject()) {
        auto networks = settings->value.FindMember("Networks");
        if (networks != settings->value.MemberEnd() && networks->value.IsObject() &&
            networks->value.MemberCount() > 0) {
            auto first = networks->value.MemberBegin();
            Value endpoint;
            if (first->value.IsObject()) {
                keep_endpoint_settings(first->value, endpoint, a);
            } else {
                endpoint.SetObject();
            }
            Value endpoints(rapidjson::kObjectType);
            endpoints.AddMember(Value(first->name, a), endpoint, a);
            Value networking(rapidjson::kObjectType);
            networking.AddMember("EndpointsConfig", endpoints, a);
            body.AddMember("NetworkingConfig", networking, a);
        }
    }

    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    body.Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace agent
