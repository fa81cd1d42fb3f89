#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The parts of an /api request's path and query, read strictly.

namespace agent {

/// The limit of GET /api/deployments when none is given, and the largest honoured.
inline constexpr std::size_t default_deployment_list_limit = 50;
inline constexpr std::size_t max_deployment_list_limit = 500;

/// "apps/web/deploy" → {"apps","web","deploy"}; a trailing slash adds an empty part (which
/// names no endpoint).
std::vector<std::string_view> split_path(std::string_view path);

/// "?force=1": absent, 0/false/no → false; 1/true/yes → true; anything else → nullopt (400).
std::optional<bool> parse_flag(const std::string& value);

/// Digits only; values beyond max_deployment_list_limit are clamped to it; empty gives the
/// default; 0 and anything else is nullopt.
std::optional<std::size_t> parse_limit(const std::string& value);

/// A deployment id: 1 to 18 digits, not starting with 0; else nullopt.
std::optional<std::int64_t> parse_id(std::string_view text);

}  // namespace agent
