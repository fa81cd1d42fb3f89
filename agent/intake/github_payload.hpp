#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/fwd.h>

#include <cstdint>

#include "intake/github_intake.hpp"

// Internal to intake: the part of classify_github_delivery that reads a verified payload.

namespace agent::github_detail {

/// Shared by the header checks and the payload reading.
bool only(std::string_view s, std::string_view allowed, std::size_t max);
bool valid_repository(std::string_view s);
/// 1 to `max` of [A-Za-z0-9_.-] (a delivery id, a repository owner or name).
bool valid_name(std::string_view s, std::size_t max);

/// The decoded `payload` field of a form body, or nullopt.
std::optional<std::string> form_payload(std::string_view body);

/// 40 or 64 lower-case hex digits (SHA-1 or SHA-256 object ids).
bool valid_sha(std::string_view s);
/// 1-1024 bytes without control characters.
bool valid_ref(std::string_view s);

/// True for a non-empty run of '0' (a zero object id of any length: SHA-1 or SHA-256).
bool all_zeros(std::string_view sha);

/// Fills `push.files` from the `commits` of a verified push payload (each commit's `added`,
/// `modified`, `removed`), and sets `push.files_complete` only when they are every commit the
/// push added: `before` set and not zero, not a created ref, commits non-empty, their number
/// equal to `total_commits` when the forge sends it (else below `carried_cap`, the most the
/// forge carries), every list present and of strings, at most 5000 files.
void read_commit_files(const rapidjson::Value& root, github_push& push,
                       std::optional<std::uint64_t> total_commits, std::size_t carried_cap);

/// Sets `v.result`, `v.what` and `v.reason` as refuse() does, and the diagnosis from `facts`.
github_verdict& refuse(github_verdict& v, outcome result, std::string code, std::string reason,
                       const std::string& diagnosis, const std::string& facts);

/// Parses the verified JSON text (the body, or a form's decoded `payload` field) and classifies
/// it: ping, ignored event, push (queued, or ignored for a deleted ref or a ref that is neither
/// a branch nor a tag), or refused as malformed. `hook_id` is X-GitHub-Hook-ID, or nullptr.
/// Reads what every forge's push payload carries alike into `push`: `ref`, `after`, `before`
/// (kept only when a valid sha) and the repository, `repo_object`.`repo_member`, checked by
/// `valid_repo`. Returns the first missing or invalid field as a problem, or empty.
std::string read_push_head(const rapidjson::Value& root, const char* repo_object,
                           const char* repo_member, bool (*valid_repo)(std::string_view),
                           github_push& push);

/// The pushed files are read (read_commit_files) only when `read_files`: an app the push may
/// trigger has path filters.
void classify_verified_payload(github_verdict& v, std::string_view json_text, bool is_form,
                               const std::string* hook_id, const std::string& facts,
                               bool read_files = true);

}  // namespace agent::github_detail
