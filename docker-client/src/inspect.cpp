#include "docker_client/inspect.hpp"

#include "docker_client/error.hpp"
#include "json_util.hpp"

namespace docker_client {

namespace {

using detail::bool_member;
using detail::int_member;
using detail::object_member;
using detail::string_array_member;
using detail::string_map_member;
using detail::string_member;

std::shared_ptr<rapidjson::Document> parse_object(std::string_view text, const char* what) {
    auto doc = std::make_shared<rapidjson::Document>(detail::parse_json(text, what));
    if (!doc->IsObject()) {
        throw error(0, "", std::string(what) + ": the engine's answer is not a JSON object");
    }
    return doc;
}

void read_state(const rapidjson::Value& state, container_state& out) {
    out.status = string_member(state, "Status");
    out.running = bool_member(state, "Running");
    out.exit_code = int_member(state, "ExitCode", 0);
    out.started_at = string_member(state, "StartedAt");
    out.finished_at = string_member(state, "FinishedAt");
    out.error = string_member(state, "Error");
    if (const auto* health = object_member(state, "Health")) {
        out.health = string_member(*health, "Status");
        out.health_failing_streak = int_member(*health, "FailingStreak", 0);
        auto log = health->FindMember("Log");
        if (log != health->MemberEnd() && log->value.IsArray() && !log->value.Empty()) {
            const auto& last = log->value[log->value.Size() - 1];
            out.health_last_output = string_member(last, "Output");
        }
    }
}

std::vector<mount_point> read_mounts(const rapidjson::Value& doc) {
    std::vector<mount_point> out;
    auto it = doc.FindMember("Mounts");
    if (it == doc.MemberEnd() || !it->value.IsArray()) {
        return out;
    }
    for (const auto& m : it->value.GetArray()) {
        if (!m.IsObject()) {
            continue;
        }
        auto rw = m.FindMember("RW");
        bool read_write = rw == m.MemberEnd() || !rw->value.IsBool() || rw->value.GetBool();
        out.push_back({string_member(m, "Type"), string_member(m, "Name"),
                       string_member(m, "Source"), string_member(m, "Destination"), read_write});
    }
    return out;
}

std::vector<network_attachment> read_networks(const rapidjson::Value& doc) {
    std::vector<network_attachment> out;
    const auto* settings = object_member(doc, "NetworkSettings");
    const auto* networks = settings != nullptr ? object_member(*settings, "Networks") : nullptr;
    if (networks == nullptr) {
        return out;
    }
    for (const auto& n : networks->GetObject()) {
        out.push_back({std::string(n.name.GetString(), n.name.GetStringLength()),
                       string_array_member(n.value, "Aliases")});
    }
    return out;
}

}  // namespace

container_info container_info_from_json(std::string_view text) {
    auto doc = parse_object(text, "container inspect");
    container_info info;
    info.id = string_member(*doc, "Id");
    info.name = string_member(*doc, "Name");
    if (!info.name.empty() && info.name.front() == '/') {
        info.name.erase(0, 1);
    }
    info.image_id = string_member(*doc, "Image");
    info.restart_count = int_member(*doc, "RestartCount", 0);
    if (const auto* config = object_member(*doc, "Config")) {
        info.image = string_member(*config, "Image");
        info.labels = string_map_member(*config, "Labels");
        info.env = string_array_member(*config, "Env");
        auto st = config->FindMember("StopTimeout");
        if (st != config->MemberEnd() && st->value.IsInt()) {
            info.stop_timeout = st->value.GetInt();
        }
    }
    if (const auto* state = object_member(*doc, "State")) {
        read_state(*state, info.state);
    }
    if (const auto* host = object_member(*doc, "HostConfig")) {
        info.network_mode = string_member(*host, "NetworkMode");
    }
    info.networks = read_networks(*doc);
    info.mounts = read_mounts(*doc);
    info.document = std::move(doc);
    return info;
}

image_info image_info_from_json(std::string_view text) {
    auto doc = parse_object(text, "image inspect");
    image_info info;
    info.id = string_member(*doc, "Id");
    info.repo_tags = string_array_member(*doc, "RepoTags");
    info.repo_digests = string_array_member(*doc, "RepoDigests");
    info.created = string_member(*doc, "Created");
    if (const auto* config = object_member(*doc, "Config")) {
        info.labels = string_map_member(*config, "Labels");
        info.env = string_array_member(*config, "Env");
    }
    info.document = std::move(doc);
    return info;
}

}  // namespace docker_client
