#pragma once

// Private to agent/manifest: readers of the nested sections of one app (build, triggers, secrets,
// health, registry_auth). Each reports every problem it finds and fills what it could read.

#include "manifest/manifest.hpp"
#include "manifest/yaml_fields.hpp"

namespace agent::manifest_detail {

/// Where a key belongs in the schema ("apps.<app>.triggers.github"), or "" when it is unknown
/// everywhere or ambiguous; used to explain an unknown key.
std::string_view home_of(std::string_view key);

/// `build:`. Sets app.build (even when parts are wrong, so that follow-up checks stay quiet).
void parse_build(problem_list& problems, const field& f, app_spec& app);

/// `triggers:` (only `github:` today).
void parse_triggers(problem_list& problems, const field& f, app_spec& app);

/// `secrets:` (only `infisical:` today).
void parse_secrets(problem_list& problems, const field& f, app_spec& app);

/// `health:`.
void parse_health(problem_list& problems, const field& f, app_spec& app);

/// `registry_auth:`.
void parse_registry_auth(problem_list& problems, const field& f, app_spec& app);

/// `notify:` (app_notify.cpp).
void parse_notify(problem_list& problems, const field& f, app_spec& app);
/// `status:` (app_notify.cpp).
void parse_status(problem_list& problems, const field& f, app_spec& app);

}  // namespace agent::manifest_detail
