#include "json_util.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "docker_client/error.hpp"

namespace docker_client::detail {

rapidjson::Document parse_json(std::string_view text, const std::string& what) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (doc.HasParseError()) {
        throw error(0, "",
                    "the Docker Engine sent malformed JSON for " + what + " at offset " +
                        std::to_string(doc.GetErrorOffset()) + ": " +
                        rapidjson::GetParseError_En(doc.GetParseError()));
    }
    return doc;
}

std::string string_member(const rapidjson::Value& object, const char* key) {
    if (!object.IsObject()) {
        return {};
    }
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsString()) {
        return {};
    }
    return {it->value.GetString(), it->value.GetStringLength()};
}

int int_member(const rapidjson::Value& object, const char* key, int fallback) {
    if (!object.IsObject()) {
        return fallback;
    }
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsInt()) {
        return fallback;
    }
    return it->value.GetInt();
}

bool bool_member(const rapidjson::Value& object, const char* key) {
    if (!object.IsObject()) {
        return false;
    }
    auto it = object.FindMember(key);
    return it != object.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

const rapidjson::Value* object_member(const rapidjson::Value& object, const char* key) {
    if (!object.IsObject()) {
        return nullptr;
    }
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsObject()) {
        return nullptr;
    }
    return &it->value;
}

std::vector<std::string> string_array_member(const rapidjson::Value& object, const char* key) {
    std::vector<std::string> out;
    if (!object.IsObject()) {
        return out;
    }
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsArray()) {
        return out;
    }
    for (const auto& v : it->value.GetArray()) {
        if (v.IsString()) {
            out.emplace_back(v.GetString(), v.GetStringLength());
        }
    }
    return out;
}

std::map<std::string, std::string> string_map_member(const rapidjson::Value& object,
                                                     const char* key) {
    std::map<std::string, std::string> out;
    const rapidjson::Value* map = object_member(object, key);
    if (map == nullptr) {
        return out;
    }
    for (const auto& m : map->GetObject()) {
        if (m.value.IsString()) {
            out.emplace(std::string(m.name.GetString(), m.name.GetStringLength()),
                        std::string(m.value.GetString(), m.value.GetStringLength()));
        }
    }
    return out;
}

std::int64_t int64_member(const rapidjson::Value& object, const char* key, std::int64_t fallback) {
    if (!object.IsObject()) {
        return fallback;
    }
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsInt64()) {
        return fallback;
    }
    return it->value.GetInt64();
}

std::uint64_t uint64_member(const rapidjson::Value& object, const char* key,
                            std::uint64_t fallback) {
    if (!object.IsObject()) {
        return fallback;
    }
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsUint64()) {
        return fallback;
    }
    return it->value.GetUint64();
}

std::string to_json(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
}

std::string filters_json(const std::map<std::string, std::vector<std::string>>& filters) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    for (const auto& [name, values] : filters) {
        if (values.empty()) {
            continue;
        }
        w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
        w.StartArray();
        for (const auto& v : values) {
            w.String(v);
        }
        w.EndArray();
    }
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

std::string daemon_message(std::string_view body) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if (!doc.HasParseError() && doc.IsObject()) {
        std::string m = string_member(doc, "message");
        if (!m.empty()) {
            return m;
        }
    }
    std::string text(body.substr(0, 1024));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

}  // namespace docker_client::detail
