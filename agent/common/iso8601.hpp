#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// ISO-8601 times as the API, the Infisical answers and the Infisical payloads spell them.

namespace agent {

/// "2024-01-01T00:00:00.000Z" (UTC, milliseconds).
std::string iso8601_utc_millis(std::chrono::system_clock::time_point t);

/// The same for Unix milliseconds.
std::string iso8601_utc(std::int64_t unix_ms);

/// Unix milliseconds of `t`.
std::int64_t unix_millis(std::chrono::system_clock::time_point t);

/// Unix milliseconds now (the system clock): the store's and the notifier's time unit.
std::int64_t unix_millis_now();

/// "2024-01-01T00:00:00Z" (UTC, whole seconds): what a person reads, e.g. a token's expiry.
std::string iso8601_utc_seconds(std::chrono::system_clock::time_point t);

/// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)"; nullopt when it is not that.
std::optional<std::chrono::sys_time<std::chrono::milliseconds>> parse_iso8601(std::string_view s);

}  // namespace agent
