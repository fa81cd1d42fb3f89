#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace docker_client::detail {

/// Parses JSON from the engine (iteratively: no recursion on hostile depth).
/// Throws docker_client::error (status 0) naming `what` when it is not valid JSON.
rapidjson::Document parse_json(std::string_view text, const std::string& what);

/// Member `key` of `object` as a string, or "" when absent or of another type.
std::string string_member(const rapidjson::Value& object, const char* key);
/// Member `key` as an int, or `fallback`.
int int_member(const rapidjson::Value& object, const char* key, int fallback);
bool bool_member(const rapidjson::Value& object, const char* key);
/// Member `key` when it is an object, else nullptr.
const rapidjson::Value* object_member(const rapidjson::Value& object, const char* key);
/// String array member, skipping non-strings.
std::vector<std::string> string_array_member(const rapidjson::Value& object, const char* key);
/// String-to-string map member (labels), skipping non-string values.
std::map<std::string, std::string> string_map_member(const rapidjson::Value& object,
                                                     const char* key);

/// Member `key` as a 64-bit integer, or `fallback`.
std::int64_t int64_member(const rapidjson::Value& object, const char* key, std::int64_t fallback);
/// Member `key` as an unsigned 64-bit integer, or `fallback`.
std::uint64_t uint64_member(const rapidjson::Value& object, const char* key,
                            std::uint64_t fallback);

/// `value` written as compact JSON text.
std::string to_json(const rapidjson::Value& value);

/// The `filters` query value Docker expects: {"label":["a=b"],"name":["x"]} (empty groups dropped).
std::string filters_json(const std::map<std::string, std::vector<std::string>>& filters);

/// The daemon's `message` from an error body, or the body itself (trimmed, bounded).
std::string daemon_message(std::string_view body);

}  // namespace docker_client::detail
