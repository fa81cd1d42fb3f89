#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

// The spelling rules of the names a manifest holds. They are checked when the manifest is loaded
// and again wherever a name arrives from the network (an API path, a payload) before it is used
// in a Docker or Infisical URL.

namespace agent {

/// True when every character of `s` is an ASCII letter, a digit or one of `extra`.
bool has_only(std::string_view s, std::string_view extra);

/// True when `s` is not empty, starts with an ASCII letter or digit and has_only(s, extra).
bool is_word(std::string_view s, std::string_view extra);

/// True for an app name: `[a-z0-9][a-z0-9_.-]*`, at most 64 characters.
bool is_valid_app_name(std::string_view name);

/// True for a Docker container or Swarm service name: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most
/// 255 characters.
bool is_valid_container_name(std::string_view name);

/// Why `reference` is not an image reference Docker accepts
/// (`[host[:port]/]path[:tag][@sha256:<64 hex>]`, lowercase path components), or nullopt when it
/// is one.
std::optional<std::string> image_reference_problem(std::string_view reference);

/// True for an environment variable name: `[A-Z_][A-Z0-9_]*`.
bool is_valid_env_name(std::string_view name);

/// True for a GitHub repository full name `owner/name` (owner: letters, digits, '-', not
/// starting with '-'; name: letters, digits, '_', '.', '-', not "." or "..").
bool is_valid_repository(std::string_view repository);
/// A Gitea/Forgejo repository "owner/name" (`nested` false: exactly two parts) or a GitLab
/// project path "group/sub/name" (`nested` true: two parts or more): parts of 1-255 of
/// [A-Za-z0-9_.-], neither "." nor "..", 1024 characters at most.
bool is_valid_forge_path(std::string_view path, bool nested);

/// Parses `500ms`, `60s`, `5m`, `1h`, or a bare integer meaning seconds (at most 9 digits).
/// Returns nullopt for anything else (signs, fractions, spaces, combined units).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// The shortest exact spelling of `d` that parse_duration reads back: "1h", "5m", "60s", "500ms".
std::string format_duration(std::chrono::milliseconds d);

/// Levenshtein distance between `a` and `b`, ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is within edit distance 2 (ties: the first), else
/// nullopt.
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

}  // namespace agent
