#pragma once

#include <rapidjson/document.h>

// For .cpp files that read JSON with RapidJSON; a public header exposes no RapidJSON type.

namespace agent {

/// The member `name` of `object`; nullptr when `object` is not an object or has no such member
/// (FindMember on a non-object is undefined behaviour in release builds).
const rapidjson::Value* json_member(const rapidjson::Value& object, const char* name);

}  // namespace agent
