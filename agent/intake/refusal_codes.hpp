#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace agent {

/// Every refusal_code the intake gives a refused delivery (github_verdict, infisical_verdict):
/// a fixed set, so that a metric label taken from it cannot grow.
inline constexpr std::array<std::string_view, 15> refusal_codes = {
    "unsupported_content_type", "missing_event",   "malformed_event",    "missing_payload",
    "bad_json",                 "bad_payload",     "missing_signature",  "malformed_signature",
    "bad_signature",            "sha1_not_allowed", "not_configured",    "untimed",
    "timestamp_mismatch",       "stale_timestamp", "wrong_forge"};

/// Whether `code` is one of refusal_codes.
constexpr bool is_refusal_code(std::string_view code) {
    return std::find(refusal_codes.begin(), refusal_codes.end(), code) != refusal_codes.end();
}

}  // namespace agent
