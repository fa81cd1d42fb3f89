#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <string_view>

namespace agent {

/// The lifetime `deploy-agent token` gives when --ttl is not used.
inline constexpr std::chrono::seconds default_token_ttl{std::chrono::hours{1}};
/// The longest lifetime `deploy-agent token` accepts.
inline constexpr std::chrono::seconds max_token_ttl{std::chrono::hours{24 * 366}};

/// Parses a --ttl value: a bare number of seconds ("3600") or a number with one unit suffix,
/// `s`, `m`, `h` or `d` ("90s", "90m", "12h", "7d"). At most 9 digits. Returns nullopt for
/// anything else (signs, fractions, spaces, combined units, zero).
std::optional<std::chrono::seconds> parse_token_ttl(std::string_view text);

/// `deploy-agent token`: prints an HS256 bearer token for /api, signed with JWT_SECRET (read as
/// the server reads it: one trailing newline removed), with subject "operator" and lifetime
/// `ttl`, alone on one line of `out`; a note saying when it expires goes to `err`. Returns 0;
/// 2 with a message on `err` when JWT_SECRET is unset or empty or `ttl` is not in
/// (0, max_token_ttl].
int run_token_command(std::chrono::seconds ttl, std::ostream& out, std::ostream& err);

}  // namespace agent
