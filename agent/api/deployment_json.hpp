#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json_writer.hpp"
#include "store/records.hpp"

// Deployments as the API shows them.

namespace agent {

/// `"key":value`, or `"key":null` when `value` is empty.
void string_or_null(json_writer& w, std::string_view key, std::string_view value);

/// `"key":"<ISO-8601 UTC with milliseconds>"`, or `"key":null` when `unix_ms` is not positive.
void time_or_null(json_writer& w, std::string_view key, std::int64_t unix_ms);

/// The members of a deployment object, without its braces: "id","app","state","trigger",
/// "commit","old_image","new_image","created_at","started_at","finished_at","error".
void write_deployment_members(json_writer& w, const deployment_record& d);

/// A deployment as the API shows it: {"id","app","state","trigger","commit","old_image",
/// "new_image","created_at","started_at","finished_at","error"}; times as ISO-8601 UTC with
/// milliseconds ("2024-05-01T12:00:00.000Z"), null when not yet; empty strings as null.
std::string deployment_json(const deployment_record& d);

}  // namespace agent
