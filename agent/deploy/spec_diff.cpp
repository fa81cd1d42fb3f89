// Dry run: the running container's effective Config against what the engine would make of the
// new spec (it merges the new image's defaults in, as `docker create` does).

#include <map>

#include "deploy/container_spec.hpp"
#include "deploy/spec_json.hpp"

namespace agent {

namespace {

using namespace spec_detail;

std::map<std::string, std::string> env_map(const Value* env) {
    std::map<std::string, std::string> out;
    if (env != nullptr && env->IsArray()) {
        for (const auto& e : env->GetArray()) {
            if (e.IsString()) {
                std::string_view entry(e.GetString(), e.GetStringLength());
                auto eq = entry.find('=');
                out[std::string(env_key(entry))] =
                    eq == std::string_view::npos ? "" : std::string(entry.substr(eq + 1));
            }
        }
    }
    return out;
}

std::map<std::string, std::string> object_map(const Value* object) {
    std::map<std::string, std::string> out;
    if (object != nullptr && object->IsObject()) {
        for (const auto& m : object->GetObject()) {
            out[m.name.GetString()] = m.value.IsString() ? m.value.GetString() : to_json(&m.value);
        }
    }
    return out;
}

void diff_maps(const std::string& prefix, const std::map<std::string, std::string>& before,
               const std::map<std::string, std::string>& after, std::vector<spec_change>& out) {
    for (const auto& [k, v] : after) {
        auto it = before.find(k);
        if (it == before.end() || it->second != v) {
            out.push_back({prefix + k, it == before.end() ? "(unset)" : it->second, v});
        }
    }
    for (const auto& [k, v] : before) {
        if (!after.contains(k)) {
            out.push_back({prefix + k, v, "(unset)"});
        }
    }
}

// The value the engine uses: the spec's when set, else the image's.
const Value* effective(const Value& spec, const Value& image, const char* key) {
    const Value* v = member(spec, key);
    return v != nullptr ? v : member(image, key);
}

void diff_value(const char* field, const Value* before, const Value* after,
                std::vector<spec_change>& out) {
    auto blank = [](const Value* v) {
        return v == nullptr || (v->IsString() && v->GetStringLength() == 0) ||
               (v->IsArray() && v->Empty());
    };
    before = blank(before) ? nullptr : before;
    after = blank(after) ? nullptr : after;
    bool same = (before == nullptr && after == nullptr) ||
                (before != nullptr && after != nullptr && *before == *after);
    if (!same) {
        out.push_back({field, before == nullptr ? "(unset)" : to_json(before),
                       after == nullptr ? "(unset)" : to_json(after)});
    }
}

}  // namespace

std::vector<spec_change> diff_container_spec(
    const spec_inputs& in, const docker_client::container_create_request& request) {
    const Value& old_cfg = config_of(object_of(in.old_container.document, "old container"));
    const Value& image_cfg = config_of(object_of(in.new_image.document, "new image"));
    const Value& spec = object_of(request.body, "new container spec");
    std::vector<spec_change> out;

    const std::string& old_id = in.old_container.image_id;
    const std::string& new_id = in.new_image.id;
    if (old_id != new_id) {
        out.push_back({"Image", old_id, new_id});
    }
    auto env = env_map(member(image_cfg, "Env"));
    for (const auto& [k, v] : env_map(member(spec, "Env"))) {
        env[k] = v;
    }
    diff_maps("Env.", env_map(member(old_cfg, "Env")), env, out);
    const Value* entrypoint = effective(spec, image_cfg, "Entrypoint");
    // With the user's Entrypoint the engine does not take the image's Cmd.
    const Value* cmd = member(spec, "Entrypoint") != nullptr ? member(spec, "Cmd")
                                                            : effective(spec, image_cfg, "Cmd");
    diff_value("Entrypoint", member(old_cfg, "Entrypoint"), entrypoint, out);
    diff_value("Cmd", member(old_cfg, "Cmd"), cmd, out);
    for (const char* key : {"WorkingDir", "User", "StopSignal", "Healthcheck"}) {
        diff_value(key, member(old_cfg, key), effective(spec, image_cfg, key), out);
    }
    for (const char* key : {"ExposedPorts", "Volumes", "Labels"}) {
        auto merged = object_map(member(image_cfg, key));
        for (const auto& [k, v] : object_map(member(spec, key))) {
            merged[k] = v;
        }
        diff_maps(std::string(key) + ".", object_map(member(old_cfg, key)), merged, out);
    }
    return out;
}

}  // namespace agent
