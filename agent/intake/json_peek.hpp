#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace agent {

/// The bounds of peek_string_member's scan of unverified text.
struct json_peek_limits {
    static constexpr int max_depth = 64;  ///< containers nested in a skipped value
    static constexpr std::size_t max_key_bytes = 256;  ///< longer keys match nothing
    static constexpr std::size_t max_value_bytes = 1024;  ///< a longer answer is no answer
};

/// The string value of `root.<object>.<member>` in the JSON text `json`, read before the
/// signature is verified: without building a document, stopping as soon as it is found (or
/// known to be absent), in constant memory whatever the text (json_peek_limits: nesting
/// deeper than max_depth, or an answer longer than max_value_bytes, is no answer). GitHub puts
/// `repository.full_name` near the start of every payload, so this costs a few hundred bytes
/// of scanning. Nothing when the root is not an object, `object` is not an object, it has no
/// such string member, or the text is malformed before the answer. Only the first `object`
/// member of the root counts, as in a DOM lookup. Never throws but std::bad_alloc.
std::optional<std::string> peek_string_member(std::string_view json, std::string_view object,
                                              std::string_view member);

}  // namespace agent
