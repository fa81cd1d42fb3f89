#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "intake/github_intake.hpp"
#include "intake/infisical_intake.hpp"
#include "planner/planned_job.hpp"

// The bodies of the webhook answers (ARCHITECTURE.md "HTTP endpoints"); statuses come from
// status_of() (http/answer.hpp).

namespace agent {

/// A GitHub verdict other than push: `{"success":true,"message":reason,"event":…,"delivery":…}`
/// for ping and ignored, `{"success":false,"error":reason}` for refused.
http_response github_answer(const github_verdict& verdict);

/// 200 `{"success":true,"message":reason,"event":event[,"delivery":id]}`: a push that queued
/// nothing (duplicate, or no app deploys it).
http_response github_message(std::string_view reason, std::string_view event,
                             std::string_view delivery_id);

/// 202 `{"success":true,"message":"deploys queued","deployments":[{"id","app"}…]}`.
http_response github_queued(const std::vector<planned_job>& jobs,
                            const std::vector<std::int64_t>& ids);

/// What an Infisical delivery that was read came to: the answer's "action".
enum class infisical_action { cache_cleared, redeploy_queued, nothing_cached, duplicate, ignored };

/// "cache_cleared", "redeploy_queued", "nothing_cached", "duplicate", "ignored".
std::string_view to_string(infisical_action action);

/// An Infisical verdict: refused → `{"success":false,"error":reason}`; ignored → 200
/// `{"success":true,"message":"Webhook ignored","event":…,"action":"ignored"}`; change and test
/// → infisical_processed(event, cache_cleared).
http_response infisical_answer(const infisical_verdict& verdict);

/// 200 `{"success":true,"message":…,"event":event,"action":action}` plus "deployments":[ids…]
/// when `deployment_ids` is not empty, and "redeploy_check":[apps…] when `redeploy_check` is
/// not empty (the apps whose secrets are compared after the answer). The message is "Webhook
/// processed successfully", or "Webhook already processed" for a duplicate.
http_response infisical_processed(std::string_view event, infisical_action action,
                                  const std::vector<std::string>& deployment_ids = {},
                                  const std::vector<std::string>& redeploy_check = {});

/// 200 {"success":true,"message":"Test webhook received successfully","receivedAt":<ISO-8601 UTC
/// with milliseconds>} for POST /webhooks/infisical/test.
http_response infisical_test_answer(std::chrono::system_clock::time_point now);

}  // namespace agent
