// One line per refusal code: what the sender got wrong and what to check.
#include <utility>

#include "status/pages.hpp"

namespace agent::status {

std::string refusal_diagnosis(std::string_view source, std::string_view reason) {
    static constexpr std::pair<std::string_view, std::string_view> known[] = {
        {"bad_signature",
         "signature does not match: the sender's secret differs from the agent's (compare "
         "fingerprints in the log; a trailing newline or space is the usual cause)"},
        {"missing_signature", "no signature header: set the webhook's secret at the sender"},
        {"malformed_signature", "signature header is not in the expected format"},
        {"sha1_not_allowed",
         "only the legacy SHA-1 signature was sent; the app does not allow_sha1"},
        {"not_configured", "no secret is configured for this webhook (WEBHOOK_SECRET / "
                           "INFISICAL_WEBHOOK_SECRET or the app's secret_env)"},
        {"unsupported_content_type",
         "content type is neither application/json nor form-encoded"},
        {"missing_event", "no X-GitHub-Event header: not a GitHub delivery?"},
        {"malformed_event", "X-GitHub-Event header is not an event name"},
        {"missing_payload", "form body without a payload field"},
        {"bad_json", "body is not valid JSON"},
        {"bad_payload", "JSON lacks what the event needs (repository, ref, event, …)"},
        {"timestamp_mismatch", "signed timestamp does not match the header's"},
        {"stale_timestamp",
         "delivery is older than the 5-minute window: a replay, or the sender's clock is off"},
    };
    for (const auto& [code, text] : known) {
        if (reason == code) {
            return std::string(source) + ": " + std::string(text);
        }
    }
    return std::string(source) + ": " + std::string(reason);
}

}  // namespace agent::status
