#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/environment.hpp"
#include "manifest/notify_target.hpp"

namespace agent::notify {

/// What a notification says about one finished deployment. Built from the store's record, so
/// it says what was recorded.
struct notice {
    std::int64_t deployment = 0;
    std::string app;
    std::string result;   ///< "failed" | "rolled_back" | "recovered" | "succeeded" | …
    std::string commit;   ///< may be empty
    std::string trigger;  ///< "github" | "infisical" | "api" | "status-page" | "cli" | …
    std::int64_t duration_ms = 0;  ///< from start (or creation) to finish
    std::string reason;   ///< the failure's reason; empty for a success
    std::string link;     ///< PUBLIC_URL/deployments/ID, or empty without PUBLIC_URL
    std::int64_t finished_at_ms = 0;
};

/// One HTTP request to a target.
struct outgoing {
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

/// The request for `t` announcing `n` (bodies in docs/notifications.md). Untrusted text (the
/// reason comes from the engine, the commit from a payload) is JSON-escaped, or for ntfy's
/// headers cut to one printable-ASCII line.
outgoing render(const target& t, const notice& n);

/// "web: deployment 12 failed (commit abc123def456, 41 s): <reason>" — the one-line summary.
std::string summary(const notice& n);

/// `text` with every occurrence of each value in `secrets` (values shorter than 6 bytes are
/// ignored: they would redact ordinary words) replaced by "[redacted]".
std::string redact(std::string text, const std::vector<std::string>& secrets);

/// The values of the environment variables whose names say they hold a secret (containing
/// SECRET, TOKEN, PASSWORD, PASSWD, API_KEY or PRIVATE_KEY, or ending in _KEY): what a
/// notification body must never contain, whatever an engine message quoted.
std::vector<std::string> secret_values_from_environment(const environment& env);

}  // namespace agent::notify
