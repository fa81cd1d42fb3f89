#include "common/json_member.hpp"

namespace agent {

const rapidjson::Value* json_member(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject()) {
        return nullptr;
    }
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

}  // namespace agent
