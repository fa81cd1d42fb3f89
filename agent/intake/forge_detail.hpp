#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "intake/github_intake.hpp"

// Internal to intake: what the Gitea/Forgejo and GitLab classifications share.

namespace agent::forge_detail {

/// Candidate secret env names for a delivery from `forge` ("gitea", "gitlab"): `default_env`
/// first, then the secret_env of each app whose triggers.<forge> repository is `repo`
/// (ASCII case ignored; every such trigger when `repo` is unknown), without duplicates.
std::vector<std::string> candidate_envs(const manifest& m, std::string_view forge,
                                        std::string_view default_env,
                                        const std::optional<std::string>& repo);

/// The configured secrets of `envs`; the names of those unset go to `unset`, comma-separated.
std::vector<std::pair<std::string, configured_secret>> configured_secrets(
    const std::vector<std::string>& envs, const secret_source& secrets, std::string& unset);

/// Fills `v.authorized_apps`: the apps whose triggers.<forge> repository is `repo` and whose
/// secret_env is among `v.verified_secret_envs`; when none, `facts` says why.
void authorize_apps(github_verdict& v, const manifest& m, std::string_view forge,
                    const std::optional<std::string>& repo, std::string& facts);

/// The refusal when no signature or token could be checked: accepted unsigned (true) under
/// allow_unsigned; else not_configured (no secret set) or missing_signature (`missing`
/// explains which header). False when refused.
bool unsigned_delivery(github_verdict& v, const manifest& m, std::string_view forge,
                       std::string_view default_env, const std::optional<std::string>& repo,
                       const github_intake_options& options, bool any_configured,
                       const std::string& unset, const std::string& missing, std::string& facts);

/// Parses verified JSON text into `doc` (iteratively, refusing a NUL byte); false with `v`
/// refused as bad_json otherwise, or when the root is not an object.
bool parse_payload(github_verdict& v, std::string_view json_text, rapidjson::Document& doc,
                   const std::string& facts);

/// The string member `name` of `object`, or nullopt.
std::optional<std::string> string_of(const rapidjson::Value& object, const char* name);
/// The string member `member` of the object member `object` of `root`, or nullopt.
std::optional<std::string> nested_string(const rapidjson::Value& root, const char* object,
                                         const char* member);

/// Reads what every forge's push payload carries alike into `push`: `ref`, `after`, `before`
/// (kept only when a valid sha) and the repository (`repo_object`.`repo_member`, checked by
/// `valid_repo`), then branch or tag from the ref and `created`. False with `v` refused as
/// bad_payload, naming the first missing or invalid field.
bool read_push_head(github_verdict& v, const rapidjson::Value& root, const char* repo_object,
                    const char* repo_member, bool (*valid_repo)(std::string_view),
                    github_push& push, const std::string& facts);

/// Sets `v` to `200 ignored: event <event>`: a verified delivery of an event that deploys nothing.
void ignore_event(github_verdict& v, const std::string& facts);

/// Sets `v` from a push read from a verified payload: ignored for a deleted ref or a ref that
/// is neither a branch nor a tag, else queued; the diagnosis names the push.
void settle_push(github_verdict& v, github_push push, const std::string& facts);

}  // namespace agent::forge_detail
