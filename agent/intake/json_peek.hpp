#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agent {

/// The string value of `root.<object>.<member>` in the JSON text `json`, read without building
/// a document and stopping as soon as it is found (or known to be absent): GitHub puts
/// `repository.full_name` near the start of every payload, so this costs a few hundred bytes
/// of parsing where a full parse costs the whole body. Nothing when the root is not an object,
/// `object` is not an object, it has no such string member, or the text is malformed before
/// the answer. Only the first `object` member of the root counts, as in a DOM lookup.
std::optional<std::string> peek_string_member(std::string_view json, std::string_view object,
                                              std::string_view member);

}  // namespace agent
