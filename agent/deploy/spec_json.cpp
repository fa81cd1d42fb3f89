#include "deploy/spec_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/json_member.hpp"
#include "deploy/container_spec.hpp"

namespace agent::spec_detail {

const Value& object_of(const docker_client::json_document& doc, std::string_view what) {
    if (!doc || !doc->IsObject()) {
        throw spec_error(std::string(what) + ": the document is missing or not a JSON object");
    }
    return *doc;
}

const Value* member(const Value& object, const char* key) {
    const Value* v = json_member(object, key);
    return v != nullptr && !v->IsNull() ? v : nullptr;
}

const Value& config_of(const Value& doc) {
    static const Value empty(rapidjson::kObjectType);
    const Value* c = member(doc, "Config");
    return c != nullptr && c->IsObject() ? *c : empty;
}

std::string string_of(const Value& object, const char* key) {
    const Value* v = member(object, key);
    return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : "";
}

std::string to_json(const Value* v) {
    if (v == nullptr) {
        return "null";
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    v->Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
}

void set_member(Value& object, std::string_view key, Value value, allocator& a) {
    Value name(key.data(), static_cast<rapidjson::SizeType>(key.size()), a);
    auto it = object.FindMember(name);
    if (it != object.MemberEnd()) {
        it->value = std::move(value);
    } else {
        object.AddMember(name, value, a);
    }
}

std::string_view env_key(std::string_view entry) {
    return entry.substr(0, entry.find('='));
}

}  // namespace agent::spec_detail
