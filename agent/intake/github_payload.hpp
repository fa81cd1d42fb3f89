#pragma once

#include <string>
#include <string_view>

#include "intake/github_intake.hpp"

// Internal to intake: the part of classify_github_delivery that reads a verified payload.

namespace agent::github_detail {

/// Shared by the header checks and the payload reading.
bool only(std::string_view s, std::string_view allowed, std::size_t max);
bool valid_repository(std::string_view s);
/// 1 to `max` of [A-Za-z0-9_.-] (a delivery id, a repository owner or name).
bool valid_name(std::string_view s, std::size_t max);

/// Sets `v.result`, `v.what` and `v.reason` as refuse() does, and the diagnosis from `facts`.
github_verdict& refuse(github_verdict& v, outcome result, std::string code, std::string reason,
                       const std::string& diagnosis, const std::string& facts);

/// Parses the verified JSON text (the body, or a form's decoded `payload` field) and classifies
/// it: ping, ignored event, push (queued, or ignored for a deleted ref or a ref that is neither
/// a branch nor a tag), or refused as malformed. `hook_id` is X-GitHub-Hook-ID, or nullptr.
void classify_verified_payload(github_verdict& v, std::string_view json_text, bool is_form,
                               const std::string* hook_id, const std::string& facts);

}  // namespace agent::github_detail
