// The new container's Config: what the user set on the old one, without the old image's defaults.

#include "deploy/container_spec.hpp"

#include <algorithm>

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
Value user_env(const spec_inputs& in, allocator& a) {
    Value env(rapidjson::kArrayType);
    auto in_image = [&](const std::string& entry) {
        return in.old_image && std::find(in.old_image->env.begin(), in.old_image->env.end(),
                                         entry) != in.old_image->env.end();
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
    for (const auto& e : in.old_container.env) {
        if (!in_image(e) && !injected(e)) {
            env.PushBack(Value(e, a), a);
        }
    }
    for (const auto& i : in.injected_env) {
        env.PushBack(Value(i, a), a);
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

Value user_labels(const spec_inputs& in, allocator& a) {
    Value labels(rapidjson::kObjectType);
    bool compose = false;
    for (const auto& [key, value] : in.old_container.labels) {
        bool compose_label = key.starts_with("com.docker.compose.");
        compose = compose || compose_label;
        bool image_default = false;
        if (in.old_image) {
            auto d = in.old_image->labels.find(key);
            image_default = d != in.old_image->labels.end() && d->second == value;
        }
        if (compose_label || !image_default) {
            labels.AddMember(Value(key, a), Value(value, a), a);
        }
    }
    // Compose v2 compares this label with the service's image to decide on a recreate.
    if (compose && !in.new_image.id.empty()) {
        set_member(labels, "com.docker.compose.image", Value(in.new_image.id, a), a);
    }
    for (const auto& [k, v] : in.labels) {
        set_member(labels, k, Value(v, a), a);
    }
    return labels;
}

// Fields that images never set: whatever the old container has is the user's.
constexpr const char* container_only_fields[] = {
    "Domainname", "AttachStdin", "AttachStdout", "AttachStderr", "Tty",         "OpenStdin",
    "StdinOnce",  "StopTimeout", "MacAddress",   "NetworkDisabled"};
// Fields an image sets (Dockerfile instructions): kept only when the user changed them.
constexpr const char* image_default_fields[] = {"WorkingDir", "User", "StopSignal", "Healthcheck"};

void add_config(const old_config& old, const spec_inputs& in, Value& body, allocator& a) {
    body.AddMember("Image", Value(in.image_reference, a), a);
    // The engine sets Hostname to the short container id unless the user chose one; the old id
    // would make the new container answer to the old one's name.
    std::string hostname = string_of(old.container, "Hostname");
    if (!hostname.empty() && !in.old_container.id.starts_with(hostname)) {
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
    Value env = user_env(in, a);
    if (!env.Empty()) {
        body.AddMember("Env", env, a);
    }
    copy_user_keys(old, "ExposedPorts", body, a);
    copy_user_keys(old, "Volumes", body, a);
    body.AddMember("Labels", user_labels(in, a), a);
}

}  // namespace

docker_client::container_create_request build_container_spec(const spec_inputs& in) {
    const Value& container = object_of(in.old_container.document, "old container");
    const Value& old_image_config = in.old_image
                                        ? config_of(object_of(in.old_image->document, "old image"))
                                        : config_of(container);
    old_config old{config_of(container), old_image_config, in.old_image.has_value()};

    auto body = std::make_shared<rapidjson::Document>(rapidjson::kObjectType);
    auto& a = body->GetAllocator();
    add_config(old, in, *body, a);
    spec_detail::add_host_config(in.old_container, container, *body, a);
    spec_detail::add_networking(in.old_container, container, *body, a);
    return {std::move(body)};
}

}  // namespace agent
