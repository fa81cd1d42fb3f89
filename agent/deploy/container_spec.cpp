// The new container's Config: what the user set on the old one, without the old image's defaults.

#include "deploy/container_spec.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "deploy/container_host_spec.hpp"
#include "deploy/spec_json.hpp"

namespace agent {

namespace {

using namespace spec_detail;

bool is_empty(const Value& v) {
    return (v.IsString() && v.GetStringLength() == 0) || (v.IsArray() && v.Empty()) ||
           (v.IsObject() && v.ObjectEmpty());
}

// The old image's Config tells which values were the image's; without it all are the user's.
struct old_config {
    const Value& container;
    const Value& image;
    bool image_known;

    /// The container's value of `key` when the user set it (it differs from the image's).
    const Value* user_value(const char* key) const {
        const Value* v = member(container, key);
        if (v == nullptr || is_empty(*v)) {
            return nullptr;
        }
        if (!image_known) {
            return v;
        }
        const Value* d = member(image, key);
        return d != nullptr && *d == *v ? nullptr : v;
    }
};

// Env: the user's entries (an entry equal to an image entry is the image's; one a previous
// deploy injected is the agent's), then the injected ones replacing the user's of the same key.
Value user_env(const old_config& old, const spec_inputs& in, allocator& a) {
    Value env(rapidjson::kArrayType);
    const Value* entries = member(old.container, "Env");
    const Value* image_entries = old.image_known ? member(old.image, "Env") : nullptr;
    auto in_image = [&](const Value& e) {
        if (image_entries == nullptr || !image_entries->IsArray()) {
            return false;
        }
        for (const auto& d : image_entries->GetArray()) {
            if (d == e) {
                return true;
            }
        }
        return false;
    };
    auto injected = [&](std::string_view entry) {
        for (const auto& i : in.injected_env) {
            if (env_key(i) == env_key(entry)) {
                return true;
            }
        }
        for (const auto& k : in.removed_env_keys) {
            if (k == env_key(entry)) {
                return true;
            }
        }
        return false;
    };
    if (entries != nullptr && entries->IsArray()) {
        for (const auto& e : entries->GetArray()) {
            if (e.IsString() && !in_image(e) && !injected(e.GetString())) {
                env.PushBack(Value(e, a), a);
            }
        }
    }
    for (const auto& i : in.injected_env) {
        env.PushBack(Value(i.c_str(), a), a);
    }
    return env;
}

// ExposedPorts and Volumes are sets (objects with empty values): the user's are the keys the
// old image does not declare.
void copy_user_keys(const old_config& old, const char* key, Value& body, allocator& a) {
    const Value* set = member(old.container, key);
    if (set == nullptr || !set->IsObject()) {
        return;
    }
    const Value* image_set = old.image_known ? member(old.image, key) : nullptr;
    Value kept(rapidjson::kObjectType);
    for (const auto& m : set->GetObject()) {
        if (image_set == nullptr || !image_set->IsObject() || !image_set->HasMember(m.name)) {
            kept.AddMember(Value(m.name, a), Value(m.value, a), a);
        }
    }
    if (!kept.ObjectEmpty()) {
        body.AddMember(Value(key, a), kept, a);
    }
}

Value user_labels(const old_config& old, const spec_inputs& in, const std::string& new_image_id,
                  allocator& a) {
    Value labels(rapidjson::kObjectType);
    const Value* image_labels = old.image_known ? member(old.image, "Labels") : nullptr;
    bool compose = false;
    if (const Value* set = member(old.container, "Labels"); set != nullptr && set->IsObject()) {
        for (const auto& m : set->GetObject()) {
            std::string_view key(m.name.GetString(), m.name.GetStringLength());
            bool compose_label = key.starts_with("com.docker.compose.");
            compose = compose || compose_label;
            const Value* d = image_labels != nullptr ? member(*image_labels, m.name.GetString())
                                                     : nullptr;
            if (compose_label || d == nullptr || !(*d == m.value)) {
                labels.AddMember(Value(m.name, a), Value(m.value, a), a);
            }
        }
    }
    // Compose v2 compares this label with the service's image to decide on a recreate.
    if (compose && !new_image_id.empty()) {
        set_member(labels, "com.docker.compose.image", Value(new_image_id.c_str(), a), a);
    }
    for (const auto& [k, v] : in.labels) {
        set_member(labels, k, Value(v.c_str(), a), a);
    }
    return labels;
}

// Fields that images never set: whatever the old container has is the user's.
constexpr const char* container_only_fields[] = {
    "Domainname", "AttachStdin", "AttachStdout", "AttachStderr", "Tty",         "OpenStdin",
    "StdinOnce",  "StopTimeout", "MacAddress",   "NetworkDisabled"};
// Fields an image sets (Dockerfile instructions): kept only when the user changed them.
constexpr const char* image_default_fields[] = {"WorkingDir", "User", "StopSignal", "Healthcheck"};

void add_config(const rapidjson::Document& container, const old_config& old, const spec_inputs& in,
                const std::string& new_image_id, Value& body, allocator& a) {
    body.AddMember("Image", Value(in.image_reference.c_str(), a), a);
    // The engine sets Hostname to the short container id unless the user chose one; the old id
    // would make the new container answer to the old one's name.
    std::string hostname = string_of(old.container, "Hostname");
    if (!hostname.empty() && !string_of(container, "Id").starts_with(hostname)) {
        body.AddMember("Hostname", Value(hostname.c_str(), a), a);
    }
    for (const char* key : container_only_fields) {
        if (const Value* v = member(old.container, key); v != nullptr && !is_empty(*v)) {
            body.AddMember(Value(key, a), Value(*v, a), a);
        }
    }
    for (const char* key : image_default_fields) {
        if (const Value* v = old.user_value(key)) {
            body.AddMember(Value(key, a), Value(*v, a), a);
        }
    }
    // The engine fills an unset Cmd from the image only when Entrypoint is unset too, so a
    // user's Entrypoint keeps the Cmd the container had.
    const Value* entrypoint = old.user_value("Entrypoint");
    const Value* cmd = entrypoint != nullptr ? member(old.container, "Cmd") : old.user_value("Cmd");
    if (entrypoint != nullptr) {
        body.AddMember("Entrypoint", Value(*entrypoint, a), a);
    }
    if (cmd != nullptr) {
        body.AddMember("Cmd", Value(*cmd, a), a);
    }
    Value env = user_env(old, in, a);
    if (!env.Empty()) {
        body.AddMember("Env", env, a);
    }
    copy_user_keys(old, "ExposedPorts", body, a);
    copy_user_keys(old, "Volumes", body, a);
    body.AddMember("Labels", user_labels(old, in, new_image_id, a), a);
}

}  // namespace

std::string build_container_spec(const spec_inputs& in) {
    auto container = parse_object(in.old_container_json, "old container");
    rapidjson::Document old_image;
    bool image_known = !in.old_image_json.empty();
    if (image_known) {
        old_image = parse_object(in.old_image_json, "old image");
    }
    std::string new_image_id;
    if (!in.new_image_json.empty()) {
        new_image_id = string_of(parse_object(in.new_image_json, "new image"), "Id");
    }
    old_config old{config_of(container), image_known ? config_of(old_image) : config_of(container),
                   image_known};

    rapidjson::Document body(rapidjson::kObjectType);
    auto& a = body.GetAllocator();
    add_config(container, old, in, new_image_id, body, a);
    spec_detail::add_host_config(container, body, a);
    spec_detail::add_networking(container, body, a);

    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    body.Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace agent
