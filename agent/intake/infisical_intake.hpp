#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "intake/events.hpp"
#include "intake/signature.hpp"

namespace agent {

struct infisical_intake_options {
    /// How far the signed timestamp may be from now, either way, before a delivery is refused as a
    /// replay.
    std::chrono::milliseconds window{std::chrono::minutes{5}};
    bool allow_unsigned = false;  ///< ALLOW_UNSIGNED_WEBHOOKS=true
    /// False when a refusal would not be logged (github_intake_options::explain_refusals).
    bool explain_refusals = true;
    /// The clock (a test seam); system_clock::now when empty.
    std::function<std::chrono::system_clock::time_point()> now;
};

/// What to do with one Infisical delivery.
struct infisical_verdict {
    enum class kind { change, test, ignored, refused };

    unsigned status = 400;  ///< 200, or 400 malformed, 401 signature/replay, 503 not configured
    kind what = kind::refused;
    std::string reason;        ///< short, for the caller
    std::string diagnosis;     ///< one line for the log; never a secret or a MAC
    std::string refusal_code;  ///< stable metric label; empty unless refused
    std::string event;         ///< the payload's event, when it was read
    /// For change and test: what changed (test events carry the project too; never redeploy
    /// for them).
    std::optional<infisical_change> change;
    bool signature_verified = false;  ///< false only for a delivery accepted unsigned
    /// The exact answer: {"success":true,"message":"Webhook processed successfully","event":…,
    /// "action":"cache_cleared"} for change and test, an "ignored" body for unknown events,
    /// json_error otherwise. For a change that queued deployments, answer with
    /// infisical_processed_response(event, ids) instead.
    http_response response;
};

/// Verifies and classifies one delivery to POST /webhooks/infisical. Accepts Infisical's
/// `x-infisical-signature: t=<ms>;<hex>` (HMAC-SHA256 of the raw body, whose numeric `timestamp`
/// must equal t and lie within the window) and the plain `<hex>` of the replaced service (the
/// body's timestamp, numeric or ISO-8601, is held to the window when present). No secret → 503
/// unless allow_unsigned. Pure; never throws for any input.
infisical_verdict classify_infisical_delivery(const http_request& request,
                                              const std::optional<configured_secret>& secret,
                                              const infisical_intake_options& options);

/// 200 {"success":true,"message":"Webhook processed successfully","event":<event>,
/// "action":<action>} plus "deployments":[ids…] when `deployment_ids` is not empty. `action` is
/// what happened: "cache_cleared", "redeploy_queued", "nothing_cached".
http_response infisical_processed_response(std::string_view event,
                                           const std::vector<std::string>& deployment_ids = {},
                                           std::string_view action = "cache_cleared");

/// 200 {"success":true,"message":"Test webhook received successfully","receivedAt":<ISO-8601 UTC
/// with milliseconds>} for POST /webhooks/infisical/test.
http_response infisical_test_response(std::chrono::system_clock::time_point now);

/// "2024-01-01T00:00:00.000Z".
std::string iso8601_utc_millis(std::chrono::system_clock::time_point t);

/// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)"; nullopt when it is not that.
std::optional<std::chrono::sys_time<std::chrono::milliseconds>> parse_iso8601(std::string_view s);

/// The change as a JSON object for logs and the store: event, project, environment, secretPath,
/// secretKey; empty or absent fields are omitted, never null.
std::string infisical_change_json(const infisical_change& change);

}  // namespace agent
