#pragma once

// RapidJSON helpers shared by the container spec and its diff (internal to agent/deploy).

#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "docker_client/types.hpp"

namespace agent::spec_detail {

using rapidjson::Value;
using allocator = rapidjson::Document::AllocatorType;

/// The document of an inspect answer or a create request; throws spec_error naming `what`
/// when there is none or it is not a JSON object.
const Value& object_of(const docker_client::json_document& doc, std::string_view what);

/// The member `key` of `object` when `object` is an object and the member is not null.
const Value* member(const Value& object, const char* key);
/// `doc.Config`, or an empty object.
const Value& config_of(const Value& doc);
/// The string member, or "".
std::string string_of(const Value& object, const char* key);
/// JSON text of `v` ("null" when v is nullptr).
std::string to_json(const Value* v);
/// Adds or replaces `key` in `object`.
void set_member(Value& object, std::string_view key, Value value, allocator& a);
/// "KEY" of "KEY=value".
std::string_view env_key(std::string_view entry);

}  // namespace agent::spec_detail
