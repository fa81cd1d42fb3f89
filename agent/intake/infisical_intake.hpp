#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/outcome.hpp"
#include "intake/delivery.hpp"
#include "intake/events.hpp"
#include "intake/signature.hpp"

namespace agent {

struct infisical_intake_options {
    /// How far the signed timestamp may be from now, either way, before a delivery is refused as a
    /// replay (at exactly `window` old it is refused); a verified delivery is remembered until
    /// its signed time plus `window` (infisical_verdict::replay_until).
    std::chrono::milliseconds window{std::chrono::minutes{5}};
    bool allow_unsigned = false;  ///< ALLOW_UNSIGNED_WEBHOOKS=true
    /// INFISICAL_ALLOW_UNTIMED=true: accept a plain-hex signature whose signed body has no usable
    /// timestamp (old self-hosted Infisical); it is remembered for `window` from its arrival.
    bool allow_untimed = false;
    /// False when a refusal would not be logged (github_intake_options::explain_refusals).
    bool explain_refusals = true;
    /// The clock (a test seam); system_clock::now when empty.
    std::function<std::chrono::system_clock::time_point()> now;
};

/// What to do with one Infisical delivery.
struct infisical_verdict {
    enum class kind { change, test, ignored, refused };

    /// done for change, test and ignored; refused: malformed, unauthenticated (signature, stale,
    /// untimed) or unavailable (no secret).
    outcome result = outcome::malformed;
    kind what = kind::refused;
    std::string reason;        ///< short, for the caller
    std::string diagnosis;     ///< one line for the log; never a secret or a MAC
    std::string refusal_code;  ///< stable metric label; empty unless refused
    std::string event;         ///< the payload's event, when it was read
    /// For change and test: what changed (test events carry the project too; never redeploy
    /// for them).
    std::optional<infisical_change> change;
    bool signature_verified = false;  ///< false only for a delivery accepted unsigned
    /// For a verified delivery: what makes another delivery a replay of it ("infisical:<hex>", a
    /// hash of its signature, never the signature), and until when it must be remembered (its
    /// signed time plus the window; arrival plus the window when untimed). Empty when unsigned.
    std::string replay_key;
    std::chrono::system_clock::time_point replay_until{};
    /// The time the delivery was judged at: whether its replay key was seen must be asked at this
    /// same time, else a copy judged fresh could be checked after its key expired.
    std::chrono::system_clock::time_point judged_at{};
};

/// Verifies and classifies one delivery to POST /webhooks/infisical. Accepts Infisical's
/// `x-infisical-signature: t=<ms>;<hex>` (HMAC-SHA256 of the raw body, whose numeric `timestamp`
/// must equal t and lie within the window) and the plain `<hex>` of the replaced service (the
/// body's timestamp, numeric or ISO-8601, must lie within the window; without one the delivery
/// is refused as untimed unless allow_untimed). No secret → unavailable unless allow_unsigned.
/// Pure; never throws for any input.
infisical_verdict classify_infisical_delivery(const delivery_view& delivery,
                                              const std::optional<configured_secret>& secret,
                                              const infisical_intake_options& options);

}  // namespace agent
