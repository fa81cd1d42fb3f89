#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace agent {

/// Builds a compact JSON text; strings are escaped, and a string or key that is not well-formed
/// UTF-8 is written as escape_untrusted() spells it (so the text is always valid JSON). A thin
/// face over RapidJSON's Writer so that callers need not include RapidJSON. Calls must nest
/// correctly (key before each member value).
class json_writer {
public:
    json_writer();
    ~json_writer();
    json_writer(const json_writer&) = delete;
    json_writer& operator=(const json_writer&) = delete;

    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();
    json_writer& key(std::string_view name);
    json_writer& string(std::string_view value);
    json_writer& boolean(bool value);
    json_writer& integer(std::int64_t value);
    json_writer& number(double value);
    json_writer& null();
    /// Inserts already-serialized JSON as the next value (trusted text only).
    json_writer& raw(std::string_view json);

    /// The text so far; the writer is left empty.
    std::string take();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace agent
