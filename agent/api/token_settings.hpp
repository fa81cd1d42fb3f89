#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/environment.hpp"

// The rules a JWT_SECRET and a token's lifetime must follow, shared by `serve` and `token`.

namespace agent {

/// A JWT_SECRET shorter than this is refused: HS256 wants a key at least as long as its output.
inline constexpr std::size_t min_jwt_secret_bytes = 32;

/// Parses a lifetime: a bare number of seconds ("3600") or a number with one unit suffix, `s`,
/// `m`, `h` or `d` ("90s", "90m", "12h", "7d"). At most 9 digits. Returns nullopt for anything
/// else (signs, fractions, spaces, combined units, zero).
std::optional<std::chrono::seconds> parse_token_ttl(std::string_view text);

/// TOKEN_MAX_TTL in `env` (a parse_token_ttl value; default_token_max_ttl when unset or empty).
/// Throws std::invalid_argument naming the variable when it is not a lifetime.
std::chrono::seconds token_max_ttl_from_environment(const environment& env);

/// Why `jwt_secret` must not sign tokens, or empty: shorter than min_jwt_secret_bytes, or the
/// same as one of `webhook_secrets` (name → value; a webhook secret travels to GitHub or
/// Infisical, and whoever holds it could then mint API tokens). Never names a secret's value.
std::string jwt_secret_problem(std::string_view jwt_secret,
                               const std::vector<std::pair<std::string, std::string>>& webhook_secrets);

/// jwt_secret_problem with WEBHOOK_SECRET, INFISICAL_WEBHOOK_SECRET and the `extra_envs` (each
/// app's secret_env) read from `env` as the server reads them.
std::string jwt_secret_problem_in_environment(std::string_view jwt_secret, const environment& env,
                                              const std::vector<std::string>& extra_envs = {});

}  // namespace agent
